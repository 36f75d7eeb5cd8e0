// Each language's compile server, in its real container, through the real pool: a request of several
// files compiles them together and answers every file the compile made; the next request on the same
// compiler sees none of the earlier request's files (each compile's directory is gone).
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@/lib/config/config';
import { CompilerPool } from '@/lib/compiler/warm-compiler';
import type { SourceFile } from '@/lib/compiler/protocol';
import { imageFor, LANGUAGES } from '@/lib/core/languages';
import { DockerEngine } from '@/lib/engine/docker-engine';
import { readSeccompProfile } from '@/lib/engine/seccomp';

interface Case {
  /** An entry that uses the second file, and the second file. */
  together: SourceFile[];
  /** What the compile of both makes. */
  artifacts: string[];
}

const CASES: Record<string, Case> = {
  csharp: {
    together: [
      { path: 'main.cs', content: 'class P { static void Main() { System.Console.Write(Helper.Value); } }' },
      { path: 'helper.cs', content: 'static class Helper { public const string Value = "x"; }' },
    ],
    artifacts: ['main.exe'],
  },
  typescript: {
    together: [
      { path: 'main.ts', content: "import { value } from './lib/helper';\nconsole.log(value);\n" },
      { path: 'lib/helper.ts', content: "export const value: string = 'x';\n" },
    ],
    artifacts: ['lib/helper.js', 'main.js'],
  },
  java: {
    together: [
      { path: 'Main.java', content: 'public class Main { public static void main(String[] a) { Helper.run(); } }' },
      { path: 'Helper.java', content: 'class Helper { static void run() { System.out.println("x"); } }' },
    ],
    artifacts: ['Helper.class', 'Main.class'],
  },
};

const WARM = Object.keys(LANGUAGES).filter((id) => LANGUAGES[id].warm);
const config = loadConfig({ ...process.env, WEBCOMPILE_LOG_DIR: 'runs/test' });
const engine = new DockerEngine(config.dockerSocket);
const seccomp = readSeccompProfile(config.seccompProfile);
const opts = { timeoutMs: 30_000, waitMs: 60_000 };

it('covers every language that has a warm compiler', () => {
  expect(Object.keys(CASES).sort()).toEqual([...WARM].sort());
});

describe.each(WARM)('%s compile server', (language) => {
  const l = LANGUAGES[language];
  let pool: CompilerPool;
  beforeAll(() => {
    // One compiler: both requests go to the same process, one after the other.
    pool = new CompilerPool(engine, {
      language,
      image: imageFor(config.imagePrefix, language),
      cmd: l.warm!.cmd,
      size: 1,
      maxTotal: 1,
      reusable: true,
      acquireTimeoutMs: 60_000,
      maxQueue: 10,
      retryMaxMs: 1000,
      limits: { ...config, memoryMb: config.compilerMemoryMb },
      seccomp: () => seccomp.json,
      owner: { instanceId: randomUUID(), hostname: os.hostname(), pid: process.pid },
      recycleAfter: 100,
      warmupFiles: [{ path: l.sourceFile, content: l.example }],
      warmups: 1,
    });
    pool.start();
  });
  afterAll(async () => {
    await pool.drain(0);
  });

  it('compiles several files together, and the next compile sees none of them', async () => {
    const { together, artifacts } = CASES[language];
    const both = await pool.compile(together, opts);
    if (both.kind !== 'compiled') throw new Error(`not compiled: ${JSON.stringify(both)}`);
    expect(both.response.messages).toBe('');
    expect(both.response.exitCode).toBe(0);
    expect(both.response.artifacts.map((a) => a.path).sort()).toEqual(artifacts);
    for (const a of both.response.artifacts) expect(a.content.length).toBeGreaterThan(0);

    const alone = await pool.compile([together[0]], opts);
    if (alone.kind !== 'compiled') throw new Error(`not compiled: ${JSON.stringify(alone)}`);
    expect(alone.response.exitCode).not.toBe(0);
    expect(alone.response.artifacts).toEqual([]);
    expect(alone.response.messages).toMatch(/helper|Helper/);
  });
});
