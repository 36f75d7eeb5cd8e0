// The language catalogue: what anyone may know about a language, the browser included (names,
// Monaco ids, examples, how a program reads its input). Data only, no server code: the commands,
// images and diagnostics parsers that run a language are in lib/core/languages.ts.
import { sumExample, type Example } from './example';
import { CSHARP_EXAMPLES, SUM_PROGRAM } from './examples/csharp';
import { SUM_PROGRAMS } from './examples/sum-programs';

export type { Example } from './example';
export { SUM_PROGRAM } from './examples/csharp';

export interface LanguageInfo {
  id: string;
  name: string;
  /** Monaco's language id, for highlighting. */
  monaco: string;
  /** Whether a compile step runs before the program. */
  compiled: boolean;
  /** A program that prints "Sum: 499500" first (the integration tests check it); one of `examples`. */
  example: string;
  /** The examples menu, in its order. */
  examples: readonly Example[];
  /** How a program of this language reads its input, for the stdin box. */
  stdinHint: string;
  /** The program's file when a request sends `code` (Java's is named for its class). */
  sourceFile: string;
}

/** The language of a request that names none; WEBCOMPILE_POOL_SIZE sizes its pool. */
export const MAIN_LANGUAGE = 'csharp';

/** What a language's entry says besides its examples, for the languages whose menu is their sum program alone. */
type Plain = Pick<LanguageInfo, 'name' | 'monaco' | 'compiled' | 'stdinHint' | 'sourceFile'>;

const JS_HINT = "read with require('fs').readFileSync(0) or readline";

const PLAIN: Record<keyof typeof SUM_PROGRAMS, Plain> = {
  python: {
    name: 'Python 3',
    monaco: 'python',
    compiled: false,
    stdinHint: 'read with input() or sys.stdin',
    sourceFile: 'main.py',
  },
  javascript: {
    name: 'JavaScript (Node.js)',
    monaco: 'javascript',
    compiled: false,
    stdinHint: JS_HINT,
    sourceFile: 'main.js',
  },
  typescript: {
    name: 'TypeScript (tsc, Node.js)',
    monaco: 'typescript',
    compiled: true,
    stdinHint: JS_HINT,
    sourceFile: 'main.ts',
  },
  c: { name: 'C (GCC)', monaco: 'c', compiled: true, stdinHint: 'read with scanf / fgets', sourceFile: 'main.c' },
  cpp: { name: 'C++ (G++)', monaco: 'cpp', compiled: true, stdinHint: 'read with std::cin', sourceFile: 'main.cpp' },
  go: {
    name: 'Go',
    monaco: 'go',
    compiled: true,
    stdinHint: 'read with bufio.Scanner(os.Stdin)',
    sourceFile: 'main.go',
  },
  java: {
    name: 'Java (OpenJDK)',
    monaco: 'java',
    compiled: true,
    stdinHint: 'read with Scanner(System.in)',
    sourceFile: 'Main.java',
  },
  rust: {
    name: 'Rust',
    monaco: 'rust',
    compiled: true,
    stdinHint: 'read with std::io::stdin()',
    sourceFile: 'main.rs',
  },
  ruby: {
    name: 'Ruby',
    monaco: 'ruby',
    compiled: false,
    stdinHint: 'read with gets or STDIN.read',
    sourceFile: 'main.rb',
  },
  php: { name: 'PHP', monaco: 'php', compiled: false, stdinHint: 'read with fgets(STDIN)', sourceFile: 'main.php' },
  bash: {
    name: 'Bash',
    monaco: 'shell',
    compiled: false,
    stdinHint: 'read with the read builtin',
    sourceFile: 'main.sh',
  },
  lua: { name: 'Lua 5.4', monaco: 'lua', compiled: false, stdinHint: 'read with io.read()', sourceFile: 'main.lua' },
  perl: { name: 'Perl 5', monaco: 'perl', compiled: false, stdinHint: 'read with <STDIN>', sourceFile: 'main.pl' },
};

function withSum([id, info]: [string, Plain]): [string, LanguageInfo] {
  const example = SUM_PROGRAMS[id as keyof typeof SUM_PROGRAMS];
  return [id, { id, ...info, example, examples: [sumExample(info.name, example)] }];
}

/** Every language, C# first (the main language); the others in the order of PLAIN. */
export const CATALOGUE: Record<string, LanguageInfo> = {
  csharp: {
    id: 'csharp',
    name: 'C# (Mono)',
    monaco: 'csharp',
    compiled: true,
    example: SUM_PROGRAM,
    examples: CSHARP_EXAMPLES,
    stdinHint: 'read with Console.ReadLine()',
    sourceFile: 'main.cs',
  },
  ...Object.fromEntries(Object.entries(PLAIN).map(withSum)),
};

/** Every language id, in the catalogue's order. */
export const LANGUAGE_IDS: readonly string[] = Object.keys(CATALOGUE);

/** Whether `id` names a language of the catalogue (not a property every object has). */
export function isLanguageId(id: string): boolean {
  return Object.hasOwn(CATALOGUE, id);
}

/** The catalogue's entry for `id`, or undefined for an id it does not know (a share link may carry any). */
export function catalogueEntry(id: string): LanguageInfo | undefined {
  return isLanguageId(id) ? CATALOGUE[id] : undefined;
}
