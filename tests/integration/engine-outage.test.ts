// The engine goes away and comes back: requests get 503 promptly meanwhile, and the pool refills
// without a restart of the app. Stops the real dockerd (started by scripts/engine.sh) and starts it
// again; the engine is always restarted at the end, whatever happened.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile, docker, eventually, SUM, useServer } from './helpers/server';
import { onTmpfs } from './helpers/tmpfs';

const root = path.resolve(__dirname, '../..');

function dockerdPid(): number | null {
  try {
    return Number(execFileSync('pidof', ['dockerd']).toString().trim().split(/\s+/)[0]) || null;
  } catch {
    return null;
  }
}

/**
 * Runs scripts/engine.sh with the storage the engine had (set by the first call), so that a test
 * environment with other settings never moves the engine's images; returns what it logged.
 */
let storage: 'memory' | 'disk' | undefined;
function startEngine(): string {
  const env = { ...process.env, ...(storage ? { WEBCOMPILE_ENGINE_STORAGE: storage } : {}) };
  const r = spawnSync('bash', ['scripts/engine.sh'], { cwd: root, encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`engine.sh failed: ${r.stderr}`);
  return r.stderr;
}

const server = useServer({ WEBCOMPILE_POOL_SIZE: '2', WEBCOMPILE_CREATE_RETRY_MAX_MS: '500' });
// Registered after useServer's hooks, so it runs first: the engine is back before the server stops.
afterAll(() => {
  startEngine();
});

describe('engine outage', () => {
  it('answers 503 promptly while the engine is down and recovers when it is back', async () => {
    const pid = dockerdPid();
    expect(pid, 'dockerd must run (scripts/engine.sh starts it)').toBeTruthy();
    const before = (await docker.info()) as { DockerRootDir: string };
    storage = onTmpfs(before.DockerRootDir) ? 'memory' : 'disk';
    process.kill(pid!, 'SIGTERM');
    await eventually(async () => dockerdPid() === null, 60_000, 'dockerd to stop');

    for (let i = 0; i < 3; i++) {
      const t0 = Date.now();
      const r = await compile(server, { code: SUM });
      expect(r.status).toBe(503);
      expect(r.body.ErrorString).toMatch(/engine|sandbox/i);
      expect(r.headers.get('retry-after')).toBeTruthy();
      expect(Date.now() - t0).toBeLessThan(3000);
    }
    // The health check pings at most once a second: within a second it says so, in our words.
    const health = async () => {
      const h = await fetch(`${server.url}/api/health`);
      return `${h.status} ${(await h.json()).reason}`;
    };
    await expect.poll(health, { timeout: 5000 }).toBe('503 the Docker engine does not answer');

    const log = startEngine();
    await docker.ping();
    // The engine that scripts/engine.sh starts runs containers with crun where crun can work, and
    // says so; otherwise with runc, and says why.
    expect(log).toMatch(
      /starting dockerd --add-runtime crun=\S+ --default-runtime crun|containers run with runc|starting dockerd( --data-root \S+)?$/m,
    );
    const info = (await docker.info()) as { DefaultRuntime: string; DockerRootDir: string };
    expect(info.DefaultRuntime).toBe(/--default-runtime crun/.test(log) ? 'crun' : 'runc');
    // Its runtime state is in memory, and its images and containers too when it says so.
    expect(log).toContain(`engine storage: ${storage}`);
    expect(onTmpfs('/run/docker')).toBe(true);
    expect(info.DockerRootDir).toBe(storage === 'memory' ? '/var/lib/webcompile/engine' : '/var/lib/docker');
    expect(onTmpfs(info.DockerRootDir)).toBe(storage === 'memory');
    await expect.poll(async () => (await fetch(`${server.url}/api/health`)).status, { timeout: 60_000 }).toBe(200);
    const r = await compile(server, { code: SUM });
    expect(r.body).toMatchObject({ Status: 'ok', Output: 'Sum: 499500\n' });
    await expect
      .poll(async () => (await (await fetch(`${server.url}/api/stats`)).json()).pool.idle, { timeout: 30_000 })
      .toBe(2);
    const s = await (await fetch(`${server.url}/api/stats`)).json();
    expect(s.engineErrors).toBeGreaterThan(0);
  });
});
