// Starts the built app (node server.mjs) as a real child process on a free port. Kept apart from
// server.ts, which needs vitest: the bench uses it too.

import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';

const root = path.resolve(__dirname, '../../..');

export interface TestServer {
  url: string;
  port: number;
  proc: ChildProcess;
  output: () => string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Starts `node server.mjs` with the service's own settings plus `env`; waits until healthy unless told not to. */
export async function spawnServer(
  env: Record<string, string> = {},
  opts: { waitHealthy?: boolean; port?: number } = {},
): Promise<TestServer> {
  // A given port: a restarted instance where a load balancer expects it.
  const port = opts.port ?? (await freePort());
  let out = '';
  const proc = spawn(process.execPath, ['server.mjs'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      PORT: String(port),
      HOST: '127.0.0.1',
      // Each server its own Judge0 queue, unless a test shares one between servers (a restart).
      WEBCOMPILE_JUDGE0_DB: path.join(os.tmpdir(), `webcompile-judge0-${port}-${process.pid}.sqlite`),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (b) => (out += b));
  proc.stderr!.on('data', (b) => (out += b));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  const server: TestServer = {
    url,
    port,
    proc,
    output: () => out,
    exited,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
  if (opts.waitHealthy !== false) await waitHealthy(server);
  return server;
}

/** Polls /api/health until it answers 200 (the pool has a ready container). */
export async function waitHealthy(server: TestServer, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (server.proc.exitCode !== null) throw new Error(`server exited: ${server.output()}`);
    try {
      const r = await fetch(`${server.url}/api/health`);
      last = await r.text();
      if (r.status === 200) return;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server not healthy in time: ${last}\n${server.output()}`);
}
