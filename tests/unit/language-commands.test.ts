// Each language's commands for a program of several files (lib/core/languages.ts, `build`): what its
// compiler is given, what is run; and a request of one file (`code`) keeps the commands it had.
import { describe, expect, it } from 'vitest';
import { commandsFor, CXX_FLAGS, LANGUAGES, type Commands } from '@/lib/core/languages';

const of = (id: string, ...paths: string[]): Commands => commandsFor(LANGUAGES[id], paths);
/** The files a compile names, after the compiler's options (those that are paths of the request). */
const named = (c: Commands, paths: string[]) => c.compile!.filter((a) => paths.includes(a));

describe('one file (a request with code) is compiled and run as before', () => {
  it.each([
    ['csharp', ['mcs', '-out:main.exe', 'main.cs'], ['mono', 'main.exe']],
    [
      'c',
      [
        'gcc',
        '-std=gnu17',
        '-O2',
        '-Wall',
        '-fdiagnostics-color=never',
        '-fuse-ld=gold',
        '-o',
        'main',
        'main.c',
        '-lm',
      ],
      ['./main'],
    ],
    ['cpp', ['g++', ...CXX_FLAGS, '-fuse-ld=gold', '-o', 'main', 'main.cpp'], ['./main']],
    ['go', ['wc-go-build', 'main.go'], ['./main']],
    ['rust', ['rustc', '--edition', '2021', '-C', 'prefer-dynamic', '-o', 'main', 'main.rs'], ['./main']],
    [
      'java',
      ['javac', '-J-XX:TieredStopAtLevel=1', '-J-XX:+UseSerialGC', '-J-XX:-UsePerfData', '-proc:none', 'Main.java'],
      ['java', '-XX:+UseSerialGC', '-XX:-UsePerfData', 'Main'],
    ],
  ])('%s', (id, compile, run) => {
    expect(commandsFor(LANGUAGES[id])).toEqual({ compile, run });
  });

  it('typescript', () => {
    const c = commandsFor(LANGUAGES.typescript);
    expect(c.compile?.[0]).toBe('tsc');
    expect(c.compile?.at(-1)).toBe('main.ts');
    expect(c.run).toEqual(['node', 'main.js']);
  });

  it.each([
    ['python', ['python3', '-u', 'main.py']],
    ['javascript', ['node', 'main.js']],
    ['ruby', ['ruby', 'main.rb']],
    ['php', ['php', '-d', 'display_errors=stderr', 'main.php']],
    ['bash', ['bash', 'main.sh']],
    ['lua', ['lua5.4', 'main.lua']],
    ['perl', ['perl', 'main.pl']],
  ])('%s', (id, run) => {
    expect(commandsFor(LANGUAGES[id])).toEqual({ run });
  });
});

describe('several files', () => {
  it('C# compiles every .cs file, in order, and runs main.exe', () => {
    const paths = ['Program.cs', 'lib/Util.cs', 'data.txt', 'Shapes.cs'];
    const c = of('csharp', ...paths);
    expect(named(c, paths)).toEqual(['Program.cs', 'lib/Util.cs', 'Shapes.cs']);
    expect(c.compile!.slice(0, 2)).toEqual(['mcs', '-out:main.exe']);
    expect(c.run).toEqual(['mono', 'main.exe']);
  });

  it('C compiles every .c file (headers are found beside them), -lm last', () => {
    const paths = ['main.c', 'util.h', 'util.c', 'lib/more.c', 'input.txt'];
    const c = of('c', ...paths);
    expect(named(c, paths)).toEqual(['main.c', 'util.c', 'lib/more.c']);
    expect(c.compile!.at(-1)).toBe('-lm');
    expect(c.run).toEqual(['./main']);
  });

  it("C++ compiles every .cpp, .cc and .cxx file, with the precompiled headers' flags", () => {
    const paths = ['main.cpp', 'a.hpp', 'a.cc', 'b.cxx', 'c.h', 'notes.md'];
    const c = of('cpp', ...paths);
    expect(named(c, paths)).toEqual(['main.cpp', 'a.cc', 'b.cxx']);
    expect(c.compile!.slice(1, 1 + CXX_FLAGS.length)).toEqual(CXX_FLAGS);
    expect(c.run).toEqual(['./main']);
  });

  it("Java compiles every .java file and runs the entry's class", () => {
    const paths = ['Main.java', 'Shape.java', 'util/Maths.java', 'data.csv'];
    const c = of('java', ...paths);
    expect(named(c, paths)).toEqual(['Main.java', 'Shape.java', 'util/Maths.java']);
    expect(c.compile).toContain('-proc:none');
    expect(c.run.at(-1)).toBe('Main');
    expect(of('java', 'App.java', 'Main.java').run.at(-1)).toBe('App');
    // In a folder, the entry's class is in the package of that folder.
    expect(of('java', 'app/Main.java', 'app/Util.java').run.at(-1)).toBe('app.Main');
  });

  it("Go builds the .go files of the entry's folder (one package main), no tests, no other folders", () => {
    expect(of('go', 'main.go', 'util.go', 'sub/x.go', 'util_test.go', 'go.mod').compile).toEqual([
      'wc-go-build',
      'main.go',
      'util.go',
    ]);
    expect(of('go', 'cmd/main.go', 'cmd/b.go', 'a.go').compile).toEqual(['wc-go-build', 'cmd/main.go', 'cmd/b.go']);
    expect(of('go', 'main.go', 'util.go').run).toEqual(['./main']);
  });

  it('Rust compiles the entry, the crate root, which names its modules', () => {
    expect(of('rust', 'main.rs', 'shapes.rs', 'util/mod.rs').compile!.at(-1)).toBe('main.rs');
    expect(of('rust', 'src/main.rs', 'src/shapes.rs').compile!.at(-1)).toBe('src/main.rs');
    expect(of('rust', 'main.rs', 'shapes.rs').run).toEqual(['./main']);
  });

  it('TypeScript compiles the entry with what it imports and runs its .js', () => {
    const c = of('typescript', 'app.ts', 'util.ts', 'lib/more.ts');
    expect(c.compile!.filter((a) => a.endsWith('.ts'))).toEqual(['app.ts']);
    expect(c.run).toEqual(['node', 'app.js']);
    expect(of('typescript', 'src/index.ts', 'src/util.ts').run).toEqual(['node', 'src/index.js']);
  });

  it.each([
    ['python', ['python3', '-u']],
    ['javascript', ['node']],
    ['ruby', ['ruby']],
    ['php', ['php', '-d', 'display_errors=stderr']],
    ['bash', ['bash']],
    ['lua', ['lua5.4']],
    ['perl', ['perl']],
  ])('%s runs its entry, which finds the others itself', (id, interpreter) => {
    expect(of(id, 'app/start.x', 'lib.x', 'data.txt')).toEqual({ run: [...interpreter, 'app/start.x'] });
  });

  it.each(Object.keys(LANGUAGES))("%s names each of the request's files at most once", (id) => {
    const paths = ['entry', 'a.cs', 'b.c', 'c.cpp', 'd.java', 'e.go', 'f.rs', 'g.ts', 'h.py', 'i.txt'];
    const c = of(id, ...paths);
    const files = [...(c.compile ?? []), ...c.run].filter((a) => paths.includes(a));
    expect(new Set(files).size).toBe(files.length);
  });
});
