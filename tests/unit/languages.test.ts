import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import ts from 'typescript';
import { HELLO_WORLD } from '@/lib/languages/hello-world';
import { describe, expect, it } from 'vitest';
import { defaults } from '@/lib/config/config';
import { commandsFor, LANGUAGES, limitsFor, MAIN_LANGUAGE } from '@/lib/core/languages';
import { CATALOGUE, LANGUAGE_IDS } from '@/lib/languages/catalogue';

const images = path.join(__dirname, '../../images');
const dockerfile = (id: string) => readFileSync(path.join(images, id, 'Dockerfile'), 'utf8');

describe('the language registry', () => {
  it('has an entry for every image folder and an image folder for every entry', () => {
    const folders = readdirSync(images).filter((d) => existsSync(path.join(images, d, 'Dockerfile')));
    expect(folders.sort()).toEqual(Object.keys(LANGUAGES).sort());
    expect(LANGUAGES[MAIN_LANGUAGE]).toBeDefined();
  });

  it.each(Object.keys(LANGUAGES))('%s: the entry is complete and keyed by its id', (id) => {
    const l = LANGUAGES[id];
    expect(l.id).toBe(id);
    expect(l.name && l.monaco && l.sourceFile && l.example).toBeTruthy();
    expect(commandsFor(l).run.length).toBeGreaterThan(0);
    // Files land in /work by name: no folders, nothing hidden.
    expect(l.sourceFile).toMatch(/^[A-Za-z][\w.]*$/);
    if (l.parseDiagnostics) expect(commandsFor(l).compile).toBeDefined();
  });

  it.each(Object.keys(LANGUAGES))('%s: the Dockerfile builds offline, writes its version, runs as the runner', (id) => {
    const d = dockerfile(id);
    expect(d).toContain('ARG BASE=debian:bookworm-slim');
    expect(d).toContain('FROM ${BASE}');
    expect(d).toContain('COPY common/wc-install /usr/local/bin/');
    expect(d).toContain('COPY --from=agent /wc-agent /usr/local/bin/wc-agent');
    // The agent's build stage is the same in every image, so the build cache compiles it once.
    expect(agentStage(d)).toBe(agentStage(dockerfile('csharp')));
    expect(d).toMatch(/RUN sh \/usr\/local\/bin\/wc-install\b/);
    expect(d).toMatch(/> \/etc\/webcompile\/version$/m);
    expect(d).toContain('USER 10001:10001');
    expect(d).toContain('WORKDIR /tmp');
    expect(d).toContain('CMD ["wc-agent"]');
  });
});

function agentStage(d: string): string {
  const from = d.indexOf('FROM ${BASE} AS agent');
  expect(from).toBeGreaterThan(0);
  return d.slice(from, d.indexOf('\nFROM ${BASE}\n', from));
}

describe('limitsFor', () => {
  it('raises the memory of a language that needs more, and keeps a higher configured one', () => {
    expect(LANGUAGES.rust.memoryMb).toBeGreaterThan(defaults.memoryMb);
    expect(limitsFor(defaults, LANGUAGES.rust).memoryMb).toBe(LANGUAGES.rust.memoryMb);
    expect(limitsFor({ ...defaults, memoryMb: 2048 }, LANGUAGES.rust).memoryMb).toBe(2048);
    expect(limitsFor(defaults, LANGUAGES.python)).toEqual(defaults);
  });
});

describe('the catalogue', () => {
  it('names the languages of the registry, no more, no fewer', () => {
    expect([...LANGUAGE_IDS].sort()).toEqual(Object.keys(LANGUAGES).sort());
  });

  it.each(LANGUAGE_IDS)('%s: says it is compiled exactly when the registry compiles it', (id) => {
    expect(CATALOGUE[id].compiled).toBe(Boolean(commandsFor(LANGUAGES[id]).compile));
  });

  it.each(LANGUAGE_IDS)('%s: has a stdin hint and an examples menu that holds its sum program', (id) => {
    const { examples, example, stdinHint } = CATALOGUE[id];
    expect(stdinHint).toMatch(/^read with \S/);
    expect(new Set(examples.map((e) => e.id)).size).toBe(examples.length);
    expect(examples.every((e) => e.title && e.code)).toBe(true);
    expect(examples.filter((e) => e.code === example)).toHaveLength(1);
  });

  it('keeps the menu entries the end-to-end tests pick (e2e/run.spec.ts, e2e/languages.spec.ts)', () => {
    const menu = (id: string) => CATALOGUE[id].examples.map((e) => `${e.id}: ${e.title}`);
    expect(menu('csharp')).toEqual([
      'hello: Hello, world',
      'sum: Sum and a stopwatch',
      'stdin: Reading stdin',
      'exception: An exception',
      'linq: LINQ',
      'compile-error: A compile error',
    ]);
    const stdin = CATALOGUE.csharp.examples.find((e) => e.id === 'stdin')?.stdin;
    expect(stdin).toBe('Ada Lovelace\nGrace Hopper\nAlan Turing\n');
    expect(menu('python')).toEqual(['default: Python 3: sum example']);
  });

  // The integration tests run every sum program; here, without a sandbox, each is read for the words
  // and the bound, and the two this process can run are run.
  it.each(LANGUAGE_IDS)('%s: the sum program prints a sum below 1000', (id) => {
    const code = CATALOGUE[id].example;
    expect(code).toContain('Sum: ');
    expect(code).toMatch(/\b(?:1000|999)\b/);
  });

  it.each(['javascript', 'typescript'])('%s: the sum program prints "Sum: 499500" first', (id) => {
    const source = ts.transpileModule(CATALOGUE[id].example, { compilerOptions: { target: ts.ScriptTarget.ES2022 } });
    const lines: string[] = [];
    runInNewContext(source.outputText, { console: { log: (s: string) => lines.push(s) }, process: { version: 'v0' } });
    expect(lines[0]).toBe('Sum: 499500');
  });
});

describe('hello worlds', () => {
  it('every language has one', () => {
    expect(Object.keys(HELLO_WORLD).sort()).toEqual(Object.keys(LANGUAGES).sort());
  });
});
