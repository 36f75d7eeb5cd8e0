// The Go compile step (images/go/wc-go-build) is `go build -o main main.go` in every way a program or
// its author can see: the same messages and exit code, and a binary that prints, panics and reports
// its build the same. Standard-library programs take its fast path (the compiler and linker
// directly); everything else goes to go build itself. Both are run in one container of the Go image,
// in the same directory, one after the other.
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@/lib/config/config';
import { commandsFor, imageFor, LANGUAGES, limitsFor } from '@/lib/core/languages';
import { FrameSplitter } from '@/lib/engine/demux';
import { sandboxCreateOptions } from '@/lib/engine/sandbox-spec';
import { readSeccompProfile } from '@/lib/engine/seccomp';
import { docker } from './helpers/server';

const main = (body: string, imports = '"fmt"') => `package main\n\nimport (\n\t${imports}\n)\n\n${body}\n`;

/** [what, source, takes the fast path] */
const PROGRAMS: [string, string, boolean][] = [
  ['hello world', main('func main() {\n\tfmt.Println("Hello, World!")\n}'), true],
  [
    'its build information and version',
    main(
      'func main() {\n\tbi, ok := debug.ReadBuildInfo()\n\tfmt.Println(ok, runtime.Version())\n\tif ok {\n\t\tfmt.Print(bi.String())\n\t}\n}',
      '"fmt"\n\t"runtime"\n\t"runtime/debug"',
    ),
    true,
  ],
  ['a panic with its trace', main('func main() {\n\tvar m map[string]int\n\tm["a"] = 1\n\tfmt.Println(m)\n}'), true],
  ['a compile error', main('func main() {\n\tfmt.Println(undefined)\n}'), false],
  ['an unused import', main('func main() {}', '"fmt"\n\t"os"'), false],
  [
    'an internal package of the standard library',
    main('func main() {\n\tfmt.Println(cpu.X86.HasAVX)\n}', '"fmt"\n\t"internal/cpu"'),
    false,
  ],
  ['a package that is not there', main('func main() {\n\tfmt.Println(x.Y)\n}', '"fmt"\n\t"example.com/x"'), false],
  ['cgo', main('func main() {\n\tfmt.Println(C.int(1))\n}', '"C"\n\t"fmt"'), false],
  ['a function without a body', main('func f() int\n\nfunc main() {\n\tfmt.Println(f())\n}'), false],
];

const config = loadConfig({ ...process.env, WEBCOMPILE_LOG_DIR: 'runs/test' });
const seccomp = readSeccompProfile(config.seccompProfile);
let container: Dockerode.Container;

async function sh(script: string): Promise<string> {
  const exec = await container.exec({ Cmd: ['sh', '-c', script], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  const frames = new FrameSplitter((_s, payload) => chunks.push(Buffer.from(payload)));
  stream.on('data', (b: Buffer) => frames.push(b));
  await new Promise((r) => stream.on('end', r));
  return Buffer.concat(chunks).toString('utf8');
}

/** Compiles with `build`, runs what it made; the compile's output and exit code, the run's, and whether GOCACHE was made. */
function compileAndRun(source: string | Record<string, string>, build: string): Promise<string> {
  const files = typeof source === 'string' ? { 'main.go': source } : source;
  const write = Object.entries(files)
    .map(([name, content]) => `echo ${Buffer.from(content).toString('base64')} | base64 -d > ${name}`)
    .join(' && ');
  return sh(
    `rm -rf /tmp/work "$GOCACHE" && mkdir -p /tmp/work && cd /tmp/work && ${write} && ` +
      `{ ${build}; echo "compile exit $?"; } 2>&1; ` +
      `if [ -e main ]; then ./main 2>&1; echo "run exit $?"; fi; ` +
      `if [ -d "$GOCACHE" ]; then echo "GOCACHE made"; fi`,
  );
}

beforeAll(async () => {
  const l = LANGUAGES.go;
  const opts = sandboxCreateOptions(
    imageFor(config.imagePrefix, 'go'),
    'go',
    { ...limitsFor(config, l), seccompJson: seccomp.json },
    { instanceId: randomUUID(), hostname: os.hostname(), pid: process.pid },
  );
  container = await docker.createContainer(opts);
  await container.start();
});

afterAll(async () => {
  await container?.remove({ force: true });
});

describe('wc-go-build is go build', () => {
  it('is the Go compile step', () => {
    expect(commandsFor(LANGUAGES.go).compile).toEqual(['wc-go-build', 'main.go']);
  });

  it.each(PROGRAMS)('%s', async (_what, source, fast) => {
    const ours = await compileAndRun(source, 'wc-go-build');
    const theirs = await compileAndRun(source, 'go build -o main main.go');
    expect(ours.replace('GOCACHE made\n', '')).toBe(theirs.replace('GOCACHE made\n', ''));
    expect(theirs).toContain('GOCACHE made'); // go build always makes its cache
    // the fast path never starts the go command, so it makes no cache
    expect(ours.includes('GOCACHE made')).toBe(!fast);
  });

  /** [what, the files of one package main, takes the fast path] */
  const SEVERAL: [string, Record<string, string>, boolean][] = [
    [
      'a program of several files',
      {
        'main.go': main('func main() {\n\tfmt.Println(twice(21))\n\tpanic(half(3))\n}'),
        'util.go': 'package main\n\nfunc twice(x int) int { return 2 * x }\n',
        'half.go': 'package main\n\nfunc half(x int) int { return x / 2 }\n',
      },
      true,
    ],
    [
      'a compile error in the second file',
      {
        'main.go': main('func main() {\n\tfmt.Println(twice(21))\n}'),
        'util.go': 'package main\n\nfunc twice(x int) int { return 2 * y }\n',
      },
      false,
    ],
    [
      'an embedded file in the second file',
      {
        'main.go': main('func main() {\n\tfmt.Print(greeting, twice(21))\n}'),
        'embed.go':
          'package main\n\nimport _ "embed"\n\n//go:embed hello.txt\nvar greeting string\n\nfunc twice(x int) int { return 2 * x }\n',
        'hello.txt': 'hi\n',
      },
      false,
    ],
  ];

  it.each(SEVERAL)('%s', async (_what, files, fast) => {
    const names = Object.keys(files)
      .filter((n) => n.endsWith('.go'))
      .join(' ');
    const ours = await compileAndRun(files, `wc-go-build ${names}`);
    const theirs = await compileAndRun(files, `go build -o main ${names}`);
    expect(ours.replace('GOCACHE made\n', '')).toBe(theirs.replace('GOCACHE made\n', ''));
    expect(ours).toMatch(fast ? /run exit 2/ : /compile exit [12]|run exit 0/);
    expect(ours.includes('GOCACHE made')).toBe(!fast);
  });
});
