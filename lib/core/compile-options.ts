// The compiler options a request may add to a language's compile, word by word, from an allowlist:
// optimisation, language standard, warnings, defines, the standard libraries. Nothing that names a
// file (-include, @file, -specs, plugins, -o), runs a program (-wrapper) or reaches outside the
// work folder is on it, so a compile still reads only its own sources and the toolchain's.

/** The languages that take options, and which words they take. */
const GCC = [
  /^-O[0-3sg]?$/,
  /^-Ofast$/,
  /^-std=(c|gnu)(89|90|99|11|17|18|2x|23)$/,
  /^-std=(c|gnu)\+\+(98|03|11|14|17|20|2a|23|2b)$/,
  /^-W(all|extra|error|pedantic|shadow|conversion|no-unused-(variable|parameter|result))$/,
  /^-(w|pedantic|pedantic-errors|g|g0|ffast-math|fno-exceptions|fno-rtti|pthread|fsanitize=(address|undefined))$/,
  /^-D[A-Za-z_][A-Za-z0-9_]*(=[A-Za-z0-9_.+-]*)?$/,
  /^-l(m|pthread|rt|dl|stdc\+\+fs)$/,
];
const RUSTC = [
  /^-O$/,
  /^-Copt-level=[0-3sz]$/,
  /^-Cdebuginfo=[0-2]$/,
  /^-Coverflow-checks=(on|off)$/,
  /^--cfg=[A-Za-z_][A-Za-z0-9_]*$/,
];

const ALLOWED: Record<string, RegExp[]> = { c: GCC, cpp: GCC, rust: RUSTC };

/** The languages whose compile takes options. */
export function takesCompileOptions(language: string): boolean {
  return Object.hasOwn(ALLOWED, language);
}

export const COMPILE_OPTION_LANGUAGES = Object.keys(ALLOWED);

/**
 * The options as the compiler gets them, or why one is refused. rustc's `-C opt-level=3` (two
 * words) is taken as `-Copt-level=3`, the same option.
 */
export function checkCompileOptions(
  language: string,
  words: readonly string[],
): { options: string[]; problem: null } | { options: null; problem: string } {
  const allowed = ALLOWED[language] ?? [];
  const options: string[] = [];
  for (let i = 0; i < words.length; i++) {
    let word = words[i];
    if (language === 'rust' && (word === '-C' || word === '--cfg') && i + 1 < words.length) {
      word = word === '-C' ? `-C${words[++i]}` : `--cfg=${words[++i]}`;
    }
    if (!allowed.some((re) => re.test(word))) return { options: null, problem: `option "${word}" is not allowed` };
    options.push(word);
  }
  return { options, problem: null };
}
