// `npm run cluster` (scripts/cluster.sh) brings up what the README says: Redis, PostgreSQL, two
// instances and nginx in front, serving runs and Judge0 submissions; stopped, it leaves nothing running.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { ClusterBody, HealthBody } from '@/lib/http/status-schemas';
import { eventually } from './helpers/server';
import { freePort } from './helpers/free-port';

const root = path.resolve(__dirname, '../..');

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

it('starts Redis, PostgreSQL, two instances and nginx; serves through nginx; stops them all', async () => {
  const [port, p1, p2, redisPort, pgPort] = await Promise.all([1, 2, 3, 4, 5].map(() => freePort()));
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'webcompile-cluster-'));
  let out = '';
  const proc = spawn('bash', ['scripts/cluster.sh'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      CLUSTER_INSTANCE_PORTS: `${p1} ${p2}`,
      CLUSTER_REDIS_PORT: String(redisPort),
      CLUSTER_PG_PORT: String(pgPort),
      CLUSTER_DATA: data,
      WEBCOMPILE_LANGUAGES: 'python',
      WEBCOMPILE_POOL_SIZE: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (b) => (out += b));
  proc.stderr!.on('data', (b) => (out += b));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  try {
    await eventually(async () => out.includes('[cluster] http://localhost:'), 120_000, `the cluster:\n${out}`);
    const url = `http://127.0.0.1:${port}`;
    const cluster = await eventually(async () => {
      const c = (await (await fetch(`${url}/api/cluster`)).json()) as ClusterBody;
      return c.instances.length === 2 ? c : undefined;
    }, 20_000);
    expect(cluster.shared).toBe(true);
    const health = await eventually(async () => {
      const r = await fetch(`${url}/api/health`);
      return r.status === 200 ? ((await r.json()) as HealthBody) : undefined;
    }, 30_000);
    expect(health.shared).toEqual({ redis: 'ok', database: 'ok' });
    const r = await fetch(`${url}/judge0/submissions?wait=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ language_id: 71, source_code: 'print(6 * 7)' }),
    });
    expect(r.status).toBe(201);
    expect(await r.json()).toMatchObject({ stdout: '42\n', status: { id: 3 } });
  } finally {
    proc.kill('SIGTERM');
  }
  await exited;
  // Every part is gone: each port refuses a connection.
  const states = await Promise.all([port, p1, p2, redisPort, pgPort].map(refused));
  expect(states).toEqual([true, true, true, true, true]);
}, 240_000);
