// The language registry: one small entry per language. Adding a language means adding an entry here
// and a Dockerfile under images/<id>/ (see images/python/Dockerfile: install, write the version file).
// Every step runs in /work as the runner user, with HOME=/tmp and a read-only root.

import {
  parseGccDiagnostics,
  parseGoDiagnostics,
  parseJavacDiagnostics,
  parseMcsDiagnostics,
  parseRustcDiagnostics,
  parseTscDiagnostics,
  type Diagnostic,
} from './diagnostics';
import { CATALOGUE, type LanguageInfo } from '../languages/catalogue';

export { MAIN_LANGUAGE, SUM_PROGRAM } from '../languages/catalogue';

/** How a program is built and started: argv, no shell, in /work. */
export interface Commands {
  /** Run in /work before `run`; a non-zero exit is a compile error. */
  compile?: string[];
  run: string[];
}

/** A language as the server runs it: its catalogue entry (`sourceFile` among it), then how it is built and run. */
export interface Language extends LanguageInfo {
  /** Names (by their ending) of the files this language reads as code: they must be UTF-8. */
  sourceExtensions: readonly string[];
  /**
   * The commands for a program of these files (relative paths in /work, `entry` first among them):
   * what the compile builds of them, and how the entry is run. The request's arguments are appended
   * to `run`; they are never part of the compile.
   */
  build: (entry: string, paths: readonly string[]) => Commands;
  parseDiagnostics?: (compilerOutput: string) => Diagnostic[];
  /**
   * Memory (MiB) this language's containers get at least, when WEBCOMPILE_MEMORY_MB is lower: for a
   * compiler that needs more than a program does. (Every language fits WEBCOMPILE_PIDS_LIMIT.)
   */
  memoryMb?: number;
  /**
   * A resident compiler (lib/compiler/warm-compiler.ts, docs/compiler-protocol.md): started with `cmd`
   * in this language's image, it compiles the sources with the same options as `compile` (one list,
   * the end of `cmd`) into the artifacts that `run` then runs in a fresh sandbox. `cmd` is part of the
   * compile cache key. `warmups`: compiles of the example at its start, until its JIT is warm.
   */
  warm?: { cmd: string[]; warmups: number };
  /**
   * Environment for a run whose output is watched as it comes (streamed or interactive), making a
   * stdout that is a pipe line-buffered where the runtime buffers it whole (C stdio). Runtimes that
   * flush by line or not at all need none; Ruby and Perl buffer in their own IO, which no setting
   * from outside changes (the program sets `$stdout.sync = true` / `$| = 1`).
   */
  lineBufferedEnv?: string[];
}

/**
 * glibc's stdio made line-buffered from outside (coreutils' stdbuf, as an environment): stdout by
 * line, and stdin marked line-buffered, because before it reads such a stream glibc flushes every
 * line-buffered output: a prompt without a newline ("Name: ") shows before the program waits.
 */
const STDBUF_ENV = ['LD_PRELOAD=/usr/libexec/coreutils/libstdbuf.so', '_STDBUF_O=L', '_STDBUF_I=L'];

const MCS_OPTIONS = ['-out:main.exe'];
// Node's own types (Debian ships them with nodejs); --skipLibCheck halves the time and memory.
const TSC_OPTIONS = [
  '--pretty',
  'false',
  '--strict',
  '--skipLibCheck',
  '--target',
  'es2022',
  '--module',
  'commonjs',
  '--lib',
  'es2022',
  '--typeRoots',
  '/usr/share/nodejs/@types',
  '--types',
  'node',
];
/** The C++ compile's flags; images/cpp/Dockerfile precompiles the standard headers with the same. */
export const CXX_FLAGS = ['-std=gnu++20', '-O2', '-Wall', '-fdiagnostics-color=never'];
// A compile never runs code of the program: no annotation processors.
const JAVAC_OPTIONS = ['-proc:none'];

/** The paths that end in one of `extensions`, in the request's order. */
const ending = (paths: readonly string[], ...extensions: string[]) =>
  paths.filter((p) => extensions.some((e) => p.endsWith(e)));

/** The folder of a path, '' at the top. */
const folderOf = (p: string) => p.slice(0, p.lastIndexOf('/') + 1);

const C_SOURCES = ['.c'];
const CXX_SOURCES = ['.cpp', '.cc', '.cxx'];
const C_HEADERS = ['.h'];
const CXX_HEADERS = ['.h', '.hpp', '.hh', '.hxx'];

/** An interpreter that runs the entry; it finds the other files itself (imports, require, source). */
const interpreted =
  (...argv: string[]) =>
  (entry: string): Commands => ({ run: [...argv, entry] });

export const LANGUAGES: Record<string, Language> = {
  csharp: {
    ...CATALOGUE.csharp,
    sourceExtensions: ['.cs'],
    // Every .cs file, as the warm compiler does (images/csharp/compiler-server.cs).
    build: (_entry, paths) => ({
      compile: ['mcs', ...MCS_OPTIONS, ...ending(paths, '.cs')],
      run: ['mono', 'main.exe'],
    }),
    parseDiagnostics: parseMcsDiagnostics,
    warm: { cmd: ['mono', '/opt/webcompile/compiler-server.exe', ...MCS_OPTIONS], warmups: 1 },
  },
  python: {
    ...CATALOGUE.python,
    sourceExtensions: ['.py'],
    // -u: output written before a time limit is not lost in a buffer.
    build: interpreted('python3', '-u'),
  },
  javascript: {
    ...CATALOGUE.javascript,
    sourceExtensions: ['.js', '.mjs', '.cjs', '.json'],
    build: interpreted('node'),
  },
  typescript: {
    ...CATALOGUE.typescript,
    sourceExtensions: ['.ts', '.js', '.json'],
    // The entry, with what it imports (as the warm compiler does: images/typescript/compiler-server.js).
    build: (entry) => ({ compile: ['tsc', ...TSC_OPTIONS, entry], run: ['node', `${entry.replace(/\.ts$/, '')}.js`] }),
    parseDiagnostics: parseTscDiagnostics,
    warm: { cmd: ['node', '/opt/webcompile/compiler-server.js', ...TSC_OPTIONS], warmups: 3 },
  },
  c: {
    ...CATALOGUE.c,
    sourceExtensions: [...C_SOURCES, ...C_HEADERS],
    // Every .c file; headers are found beside the file that includes them.
    // gold links in two thirds of the time of ld.bfd, the same program.
    build: (_entry, paths) => ({
      compile: [
        'gcc',
        '-std=gnu17',
        '-O2',
        '-Wall',
        '-fdiagnostics-color=never',
        '-fuse-ld=gold',
        '-o',
        'main',
        ...ending(paths, ...C_SOURCES),
        '-lm',
      ],
      run: ['./main'],
    }),
    parseDiagnostics: parseGccDiagnostics,
    lineBufferedEnv: STDBUF_ENV,
  },
  cpp: {
    ...CATALOGUE.cpp,
    sourceExtensions: [...CXX_SOURCES, ...CXX_HEADERS],
    // Every .cpp (.cc, .cxx) file. The image has <iostream> and <bits/stdc++.h> precompiled for
    // exactly these flags (CXX_FLAGS), for each file that includes one first.
    build: (_entry, paths) => ({
      compile: ['g++', ...CXX_FLAGS, '-fuse-ld=gold', '-o', 'main', ...ending(paths, ...CXX_SOURCES)],
      run: ['./main'],
    }),
    parseDiagnostics: parseGccDiagnostics,
    lineBufferedEnv: STDBUF_ENV,
    // cc1plus takes over 200 MiB for <bits/stdc++.h> alone, 350 MiB with a few dozen maps and sorts.
    memoryMb: 512,
  },
  go: {
    ...CATALOGUE.go,
    sourceExtensions: ['.go'],
    // `go build -o main <files>` of the package main of the entry's folder (its .go files): the
    // compiler and linker directly for a program of the standard library alone, go build itself for
    // everything else (images/go/wc-go-build). GOCACHE and GOPATH point into /tmp (the image's ENV).
    build: (entry, paths) => {
      const folder = folderOf(entry);
      const files = ending(paths, '.go').filter((p) => folderOf(p) === folder && !p.endsWith('_test.go'));
      return { compile: ['wc-go-build', ...files], run: ['./main'] };
    },
    parseDiagnostics: parseGoDiagnostics,
  },
  java: {
    ...CATALOGUE.java,
    sourceExtensions: ['.java'],
    // Every .java file (as the warm compiler does: images/java/CompilerServer.java), each class file
    // beside its source; the entry's class is its path without .java (Main.java: Main, app/Main.java
    // in package app: app.Main). The client compiler alone starts javac in half the time; serial GC
    // keeps the threads few.
    build: (entry, paths) => ({
      compile: [
        'javac',
        '-J-XX:TieredStopAtLevel=1',
        '-J-XX:+UseSerialGC',
        '-J-XX:-UsePerfData',
        ...JAVAC_OPTIONS,
        ...ending(paths, '.java'),
      ],
      run: ['java', '-XX:+UseSerialGC', '-XX:-UsePerfData', entry.replace(/\.java$/, '').replaceAll('/', '.')],
    }),
    parseDiagnostics: parseJavacDiagnostics,
    // javac in one JVM (images/java/CompilerServer.java), through javac's own API for its exact
    // messages: hence the exports. The client compiler alone is warm after ~20 compiles (C2: ~180).
    warm: {
      cmd: [
        'java',
        '-XX:+UseSerialGC',
        '-XX:-UsePerfData',
        '-Xshare:auto',
        '-Xms64m',
        '-XX:TieredStopAtLevel=1',
        // The JVM's own warnings (a thread it could not start, CDS) go to stdout by default: not ours.
        '-Xlog:disable',
        '-Xlog:all=warning:stderr',
        '--add-exports',
        'jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED',
        '--add-exports',
        'jdk.compiler/com.sun.tools.javac.main=ALL-UNNAMED',
        '--add-exports',
        'jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED',
        '--add-opens',
        'jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED',
        '-cp',
        '/opt/webcompile',
        'CompilerServer',
        ...JAVAC_OPTIONS,
      ],
      warmups: 20,
    },
  },
  rust: {
    ...CATALOGUE.rust,
    sourceExtensions: ['.rs'],
    // A debug build (overflow checks on): -O makes a 70-line program with a few derives and maps
    // compile in 8 s instead of 2 s on one CPU, near the compile time limit.
    // prefer-dynamic: linked against the image's libstd .so instead of copying the standard library
    // (and its debug info) into every binary: half the compile. Only a program that sets
    // RUST_BACKTRACE itself can tell: its backtrace has no frames.
    // The entry is the crate root: rustc finds its modules (`mod x;`: x.rs or x/mod.rs beside it).
    build: (entry) => ({
      compile: ['rustc', '--edition', '2021', '-C', 'prefer-dynamic', '-o', 'main', entry],
      run: ['./main'],
    }),
    parseDiagnostics: parseRustcDiagnostics,
    // rustc passes 256 MiB on such a program.
    memoryMb: 512,
  },
  ruby: {
    ...CATALOGUE.ruby,
    sourceExtensions: ['.rb'],
    build: interpreted('ruby'),
  },
  php: {
    ...CATALOGUE.php,
    sourceExtensions: ['.php'],
    // Errors go to stderr (the CLI's default is stdout), so that they end up in ErrorString.
    build: interpreted('php', '-d', 'display_errors=stderr'),
  },
  bash: {
    ...CATALOGUE.bash,
    sourceExtensions: ['.sh', '.bash'],
    build: interpreted('bash'),
  },
  lua: {
    ...CATALOGUE.lua,
    sourceExtensions: ['.lua'],
    build: interpreted('lua5.4'),
    lineBufferedEnv: STDBUF_ENV,
  },
  perl: {
    ...CATALOGUE.perl,
    sourceExtensions: ['.pl', '.pm'],
    build: interpreted('perl'),
  },
};

export function imageFor(prefix: string, languageId: string): string {
  return `${prefix}${languageId}:latest`;
}

/** The limits of one language's containers: the configured ones, raised where the language needs more. */
export function limitsFor<L extends { memoryMb: number }>(limits: L, language: Language): L {
  return { ...limits, memoryMb: Math.max(limits.memoryMb, language.memoryMb ?? 0) };
}

/** The commands for these files (the entry first); by default a program of the language's own source file alone. */
export function commandsFor(language: Language, paths: readonly string[] = [language.sourceFile]): Commands {
  return language.build(paths[0], paths);
}
