// Programs of several files and their arguments through POST /api/compile, on the real engine with
// warm compilers on (C#, TypeScript, Java): a program of several files in every compiled language,
// an import in every interpreted one, data files (bytes that are not UTF-8, sent as base64) read by
// the program, and arguments that arrive exactly as sent. One server, one ready container per language.
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '@/lib/core/languages';
import { compile, statsOf, useServer } from './helpers/server';

const server = useServer({
  WEBCOMPILE_LANGUAGES: Object.keys(LANGUAGES).join(','),
  WEBCOMPILE_POOL_SIZE: '1',
  WEBCOMPILE_LANGUAGE_POOL_SIZE: '1',
  WEBCOMPILE_COMPILER_POOL_SIZE: '1',
  // The tests of this file run at once: none waits for its turn, and a warm compile waits for the
  // one compiler of its language rather than going to the sandbox.
  WEBCOMPILE_CLIENT_MAX_IN_FLIGHT: '32',
  WEBCOMPILE_COMPILER_WAIT_MS: '20000',
  WEBCOMPILE_ACQUIRE_TIMEOUT_MS: '50000',
  WEBCOMPILE_COMPILE_TIMEOUT_MS: '30000',
  WEBCOMPILE_LOG_DIR: 'runs/test-multi-file',
});

type Files = Record<string, string>;
const files = (f: Files) => Object.entries(f).map(([name, content]) => ({ name, content }));

async function run(language: string, f: Files | { name: string; content: string; encoding?: string }[], extra = {}) {
  const r = await compile(server, { language, files: Array.isArray(f) ? f : files(f), ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

/** Arguments a shell would split, expand or unquote, and text beyond ASCII. */
const ARGS = [
  'a b',
  '  two  spaces ',
  `it's "quoted"`,
  'ünï ☃ 😀',
  '',
  '$HOME',
  '*',
  '--flag',
  'back\\slash',
  'new\nline',
];
/** Bytes that are not UTF-8 (a lone continuation byte, 0xff, a cut sequence), NUL and a newline. */
const BYTES = Buffer.from([0x00, 0xff, 0x80, 0x0a, 0xc3, 0x28, 0xfe, 0x41]);
const data = { name: 'data/blob.bin', content: BYTES.toString('base64'), encoding: 'base64' };

/** The compiled languages: the output of a program whose entry uses what the other files define. */
const COMPILED: [string, Files, string][] = [
  [
    'csharp',
    {
      'Program.cs':
        'class Program { static void Main() { System.Console.WriteLine(Geo.Shapes.Area(3, 4) + Util.Twice(1)); } }',
      'Shapes.cs':
        'namespace Geo { public static class Shapes { public static int Area(int w, int h) { return w * h; } } }',
      'lib/Util.cs': 'static class Util { public static int Twice(int x) { return 2 * x; } }',
    },
    '14\n',
  ],
  [
    'c',
    {
      'main.c':
        '#include <stdio.h>\n#include "util.h"\nint main(void) { printf("%d %d\\n", area(3, 4), twice(5)); return 0; }\n',
      'util.h': 'int area(int w, int h);\nint twice(int x);\n',
      'util.c': '#include "util.h"\nint area(int w, int h) { return w * h; }\n',
      'lib/twice.c': '#include "../util.h"\nint twice(int x) { return 2 * x; }\n',
    },
    '12 10\n',
  ],
  [
    'cpp',
    {
      'main.cpp':
        '#include <bits/stdc++.h>\n#include "shape.hpp"\nint main() { std::cout << Rect{3, 4}.area() << " " << twice(5) << "\\n"; }\n',
      'shape.hpp': '#pragma once\nstruct Rect { int w, h; int area() const; };\nint twice(int);\n',
      'shape.cc': '#include "shape.hpp"\nint Rect::area() const { return w * h; }\n',
      'more.cxx': '#include "shape.hpp"\nint twice(int x) { return 2 * x; }\n',
    },
    '12 10\n',
  ],
  [
    'java',
    {
      'Main.java':
        'import util.Maths;\npublic class Main {\n  public static void main(String[] a) {\n    System.out.println(new Shape(3, 4).area() + " " + Maths.twice(5));\n  }\n}\n',
      'Shape.java':
        'class Shape {\n  final int w, h;\n  Shape(int w, int h) { this.w = w; this.h = h; }\n  int area() { return w * h; }\n}\n',
      'util/Maths.java': 'package util;\npublic class Maths {\n  public static int twice(int x) { return 2 * x; }\n}\n',
    },
    '12 10\n',
  ],
  [
    'go',
    {
      'main.go': 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println(area(3, 4), twice(5))\n}\n',
      'shape.go': 'package main\n\nfunc area(w, h int) int { return w * h }\n',
      'util.go': 'package main\n\nfunc twice(x int) int { return 2 * x }\n',
    },
    '12 10\n',
  ],
  [
    'rust',
    {
      'main.rs':
        'mod shapes;\nmod util;\n\nfn main() {\n    println!("{} {}", shapes::area(3, 4), util::twice(5));\n}\n',
      'shapes.rs': 'pub fn area(w: i32, h: i32) -> i32 {\n    w * h\n}\n',
      'util/mod.rs': 'pub fn twice(x: i32) -> i32 {\n    2 * x\n}\n',
    },
    '12 10\n',
  ],
  [
    'typescript',
    {
      'main.ts':
        "import { area } from './shapes';\nimport { twice } from './lib/util';\nconsole.log(`${area(3, 4)} ${twice(5)}`);\n",
      'shapes.ts': 'export function area(w: number, h: number): number {\n  return w * h;\n}\n',
      'lib/util.ts': 'export const twice = (x: number): number => 2 * x;\n',
    },
    '12 10\n',
  ],
];

/** The interpreted languages: an entry that loads another file the language's own way. */
const INTERPRETED: [string, Files][] = [
  [
    'python',
    {
      'main.py': 'import util\nfrom pkg import more\nprint(util.area(3, 4), more.twice(5))\n',
      'util.py': 'def area(w, h):\n    return w * h\n',
      'pkg/more.py': 'def twice(x):\n    return 2 * x\n',
    },
  ],
  [
    'javascript',
    {
      'main.js':
        "const { area } = require('./util');\nconst twice = require('./lib/twice.js');\nconsole.log(area(3, 4), twice(5));\n",
      'util.js': 'exports.area = (w, h) => w * h;\n',
      'lib/twice.js': 'module.exports = (x) => 2 * x;\n',
    },
  ],
  [
    'ruby',
    {
      'main.rb': "require_relative 'util'\nrequire_relative 'lib/twice'\nputs \"#{area(3, 4)} #{twice(5)}\"\n",
      'util.rb': 'def area(w, h) = w * h\n',
      'lib/twice.rb': 'def twice(x) = 2 * x\n',
    },
  ],
  [
    'php',
    {
      'main.php':
        "<?php\nrequire __DIR__ . '/util.php';\nrequire 'lib/twice.php';\necho area(3, 4), ' ', twice(5), \"\\n\";\n",
      'util.php': '<?php\nfunction area($w, $h) { return $w * $h; }\n',
      'lib/twice.php': '<?php\nfunction twice($x) { return 2 * $x; }\n',
    },
  ],
  [
    'bash',
    {
      'main.sh': 'source ./util.sh\n. lib/twice.sh\necho "$(area 3 4) $(twice 5)"\n',
      'util.sh': 'area() { echo $(($1 * $2)); }\n',
      'lib/twice.sh': 'twice() { echo $((2 * $1)); }\n',
    },
  ],
  [
    'lua',
    {
      'main.lua':
        'local util = require("util")\nlocal more = require("lib.more")\nprint(util.area(3, 4) .. " " .. more.twice(5))\n',
      'util.lua': 'return { area = function(w, h) return w * h end }\n',
      'lib/more.lua': 'return { twice = function(x) return 2 * x end }\n',
    },
  ],
  [
    'perl',
    {
      'main.pl':
        'use strict;\nrequire "./util.pl";\nuse lib ".";\nuse Lib::Twice;\nprint area(3, 4), " ", Lib::Twice::twice(5), "\\n";\n',
      'util.pl': 'sub area { return $_[0] * $_[1]; }\n1;\n',
      'Lib/Twice.pm': 'package Lib::Twice;\nsub twice { return 2 * $_[0]; }\n1;\n',
    },
  ],
];

describe.concurrent('programs of several files', () => {
  it('covers every language', () => {
    expect([...COMPILED.map((c) => c[0]), ...INTERPRETED.map((c) => c[0])].sort()).toEqual(
      Object.keys(LANGUAGES).sort(),
    );
  });

  it.each(COMPILED)('%s builds every file', async (language, f, output) => {
    const r = await run(language, f);
    expect(r).toMatchObject({ Status: 'ok', Output: output, ExitCode: 0, CompileCached: false });
  });

  it.each(INTERPRETED)('%s loads the other files', async (language, f) => {
    const r = await run(language, f);
    expect(r).toMatchObject({ Status: 'ok', Output: '12 10\n', ExitCode: 0 });
  });

  it('Go: a compile error in another file is reported from it (the go build fallback got every file)', async () => {
    const r = await run('go', {
      'main.go': 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println(twice(5))\n}\n',
      'util.go': 'package main\n\nfunc twice(x int) int { return 2 * y }\n',
    });
    expect(r).toMatchObject({ Status: 'compile_error', Output: '' });
    expect(r.ErrorString).toContain('./util.go:3:36: undefined: y');
  });

  it('Go: a program the fast path cannot build (an embedded file, in a second file) is built by go build from every file', async () => {
    const r = await run('go', {
      'main.go': 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Print(greeting, twice(21))\n}\n',
      'embed.go':
        'package main\n\nimport _ "embed"\n\n//go:embed hello.txt\nvar greeting string\n\nfunc twice(x int) int { return 2 * x }\n',
      'hello.txt': 'hi\n',
    });
    expect(r).toMatchObject({ Status: 'ok', Output: 'hi\n42' });
  });

  it('Java: the entry is the first file, whatever its name', async () => {
    const r = await run('java', {
      'App.java':
        'public class App {\n  public static void main(String[] a) {\n    System.out.println(Main.hi());\n  }\n}\n',
      'Main.java': 'class Main {\n  static String hi() { return "from App"; }\n}\n',
    });
    expect(r).toMatchObject({ Status: 'ok', Output: 'from App\n' });
  });

  it('a compile error in another file fails the compile and runs nothing (C)', async () => {
    const r = await run('c', {
      'main.c': '#include <stdio.h>\nint f(void);\nint main(void) { puts("ran"); return f(); }\n',
      'f.c': 'int f(void) { return "text" }\n',
    });
    expect(r).toMatchObject({ Status: 'compile_error', Output: '', RunMS: null });
    expect(r.ErrorString).toContain('f.c:1:');
  });

  it('Python reads a data file byte for byte (base64, not UTF-8) and a text file beside it', async () => {
    const r = await run('python', [
      {
        name: 'main.py',
        content: "print(open('data/blob.bin', 'rb').read().hex())\nprint(open('table.csv').read().split(',')[1])\n",
      },
      data,
      { name: 'table.csv', content: 'a,ünï,c' },
    ]);
    expect(r).toMatchObject({ Status: 'ok', Output: `${BYTES.toString('hex')}\nünï\n` });
  });

  it('C reads the same data file byte for byte', async () => {
    const r = await run('c', [
      {
        name: 'main.c',
        content:
          '#include <stdio.h>\nint main(void) {\n  FILE *f = fopen("data/blob.bin", "rb");\n  int c;\n  while ((c = fgetc(f)) != EOF) printf("%02x", c);\n  puts("");\n  return 0;\n}\n',
      },
      data,
    ]);
    expect(r).toMatchObject({ Status: 'ok', Output: `${BYTES.toString('hex')}\n` });
  });

  it('Python gets its arguments exactly, with code as with files', async () => {
    const program = "import json, sys\nprint(json.dumps(sys.argv[1:], ensure_ascii=False, separators=(',', ':')))\n";
    const withCode = await compile(server, { language: 'python', code: program, args: ARGS });
    expect(withCode.body).toMatchObject({ Status: 'ok', Output: `${JSON.stringify(ARGS)}\n` });
    const withFiles = await run('python', { 'main.py': program }, { args: ARGS });
    expect(withFiles).toMatchObject({ Status: 'ok', Output: `${JSON.stringify(ARGS)}\n` });
  });

  it('C gets its arguments exactly', async () => {
    const r = await run(
      'c',
      {
        'main.c':
          '#include <stdio.h>\nint main(int argc, char **argv) {\n  for (int i = 1; i < argc; i++) printf("[%s]\\n", argv[i]);\n  return 0;\n}\n',
      },
      { args: ARGS },
    );
    expect(r).toMatchObject({ Status: 'ok', Output: ARGS.map((a) => `[${a}]\n`).join('') });
  });

  it('Java on the warm compiler gets its arguments exactly; other arguments reuse the compile', async () => {
    const program = {
      'Main.java':
        'public class Main {\n  public static void main(String[] args) {\n    for (String a : args) System.out.println("[" + a + "]");\n  }\n}\n',
    };
    const first = await run('java', program, { args: ARGS });
    expect(first).toMatchObject({ Status: 'ok', Output: ARGS.map((a) => `[${a}]\n`).join(''), CompileCached: false });
    const again = await run('java', program, { args: ['only one'] });
    expect(again).toMatchObject({ Status: 'ok', Output: '[only one]\n', CompileCached: true });
  });

  it('a bad request is refused before anything runs', async () => {
    const both = await compile(server, { language: 'python', code: 'x', files: files({ 'main.py': 'x' }) });
    expect([both.status, both.body.ErrorString]).toEqual([400, 'send either "code" or "files", not both']);
    const bad = await compile(server, { language: 'python', files: files({ 'main.py': 'x', '../up.py': 'y' }) });
    expect([bad.status, bad.body.ErrorString]).toEqual([400, 'file name "../up.py" has a ".." segment']);
  });
});

describe('afterwards', () => {
  it('every warm compile of this file was compiled on a warm compiler: none went to the sandbox', async () => {
    const stats = await statsOf(server);
    expect(stats.warmCompileFallbacks).toEqual({ busy: 0, timeout: 0, declined: 0 });
    // C#, Java (three programs, one of them twice), TypeScript: the cache answered only the repeat.
    expect(stats.compileCache.misses).toBeGreaterThanOrEqual(5);
    expect(stats.compileCache.hits).toBeGreaterThanOrEqual(1);
  });
});
