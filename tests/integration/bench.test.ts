// `npm run bench` keeps working: the benchmark runs end to end with a handful of requests per row
// and prints every row and target. It says nothing about speed (that is what the bench itself is for).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { docker } from './helpers/server';

const root = path.resolve(__dirname, '../..');
const BENCH_LANGUAGES = ['csharp', 'c', 'python'];

describe('npm run bench', () => {
  it('measures (a) to (d) and prints the table with the targets', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-bench-'));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/bench.ts'], {
      cwd: root,
      env: {
        ...process.env,
        BENCH_SERIAL: '3',
        BENCH_PARALLEL: '8',
        BENCH_NAIVE: '2',
        BENCH_FAIRNESS_VICTIM: '2',
        BENCH_LANGUAGE_RUNS: '1',
        // The per-language table for one language of each kind (warm-compiled, sandbox-compiled,
        // interpreted): the bench's code paths, at a quarter of the time of all fourteen.
        WEBCOMPILE_LANGUAGES: BENCH_LANGUAGES.join(','),
        BENCH_OUT: out,
      },
      timeout: 360_000,
    });
    for (const row of [
      '(a) unique, serial',
      '(a) unique, 8 in flight',
      '(a) same code, serial',
      '(a) same code, 8 in flight',
      '(b) docker run --rm, 8 in flight',
      '(c) exec in a running container, serial',
      '(d) container churn alone, serial',
    ]) {
      expect(stdout).toContain(`| ${row} |`);
    }
    // gVisor's rows, where the engine has it (scripts/engine.sh registers it as "runsc").
    const { Runtimes } = (await docker.info()) as { Runtimes: Record<string, unknown> };
    const gvisorRows = ['(a) unique, serial, gVisor', '(d) container churn alone, serial, gVisor'];
    for (const row of gvisorRows) {
      if ('runsc' in Runtimes) expect(stdout).toContain(`| ${row} |`);
      else expect(stdout).not.toContain(row);
    }
    expect(stdout).toMatch(/\| \(a\) unique serial p50 \/ \(c\) p50 \| [\d.]+ \|/);
    expect(stdout).toMatch(/^Machine: .*\(runtime \w+, seccomp [\w-]+, storage (memory|disk)\)/m);
    const json = JSON.parse(fs.readFileSync(path.join(out, 'latest.json'), 'utf8'));
    expect(Object.keys(json.rows)).toHaveLength(7);
    expect(Object.keys(json.gvisorRows)).toHaveLength('runsc' in Runtimes ? 2 : 0);
    for (const r of [...Object.values(json.rows), ...Object.values(json.gvisorRows)] as {
      p50: number;
      rps: number;
      coreMs: number;
    }[]) {
      expect(r.p50).toBeGreaterThan(0);
      expect(r.rps).toBeGreaterThan(0);
      expect(r.coreMs).toBeGreaterThan(0);
    }
    // The fairness rows: the victim's latency while another client floods.
    for (const row of ['Python busy loops (20 s) vs Python hello', 'C# compile bombs vs C# hello']) {
      expect(stdout).toMatch(
        new RegExp(`^\\| ${row.replace(/[()#]/g, '\\$&')} \\| 2 \\| \\d+ \\| \\d+ \\| \\d+ \\| \\d+ \\| \\d+ \\|`, 'm'),
      );
    }
    expect(json.fairness).toHaveLength(2);
    // The per-language table: every language's hello world, and the floor of each compiled one.
    const perLanguage = JSON.parse(fs.readFileSync(path.join(out, 'languages.json'), 'utf8')).rows as {
      language: string;
      compiled: boolean;
      p50: number;
      floor: number | null;
    }[];
    expect(perLanguage.map((r) => r.language).sort()).toEqual([...BENCH_LANGUAGES].sort());
    for (const r of perLanguage) {
      expect(stdout).toMatch(new RegExp(`^\\| ${r.language} \\| ${r.p50} \\|`, 'm'));
      expect(r.floor === null).toBe(!r.compiled);
    }
    fs.rmSync(out, { recursive: true, force: true });
  }, 420_000);
});
