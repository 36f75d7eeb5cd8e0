// A line of arguments as the words a shell would make of it, without the shell (the page's
// Arguments field, Judge0's command_line_arguments): the program gets them as its argv, one string
// each. Quotes group ("a b", 'c d'), a backslash escapes; there are no variables, globs or tildes,
// so $HOME and *.txt arrive as typed.

export type SplitResult = { words: string[]; error: null } | { words: null; error: string };

const SPACE = /[ \t\r\n]/;
/** Inside double quotes a backslash escapes only these (POSIX); before anything else it is kept. */
const ESCAPABLE_IN_DOUBLE = new Set(['"', '\\', '$', '`', '\n']);

export function splitArgs(line: string): SplitResult {
  const words: string[] = [];
  let word = '';
  // A word may be empty (""), so "in a word" is tracked apart from its text.
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (SPACE.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (c === '\\') {
      if (i + 1 >= line.length)
        return { words: null, error: 'ends with a lone backslash: escape a character, or write \\\\' };
      // A backslash-newline joins lines, as in a shell.
      if (line[i + 1] !== '\n') word += line[i + 1];
      i += 2;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return { words: null, error: "a single quote (') is not closed" };
      word += line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return { words: null, error: 'a double quote (") is not closed' };
        const d = line[i];
        if (d === '"') break;
        if (d === '\\' && i + 1 < line.length && ESCAPABLE_IN_DOUBLE.has(line[i + 1])) {
          if (line[i + 1] !== '\n') word += line[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      i++;
    } else {
      word += c;
      i++;
    }
  }
  if (inWord) words.push(word);
  return { words, error: null };
}
