// Real Redis, PostgreSQL and nginx servers for the tests, each a child process started by
// scripts/services.sh on a free loopback port with its files in a temp folder. Kept apart from
// server.ts, which needs vitest: the cluster script and the bench may use it too.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';

const root = path.resolve(__dirname, '../../..');
const script = path.join(root, 'scripts/services.sh');

let installed = false;
/** Installs Debian's packages once per process (quick when they are there). */
export function installServices(): void {
  if (installed) return;
  execFileSync('bash', [script, 'install'], { stdio: 'inherit' });
  installed = true;
}

export interface ServiceProcess {
  port: number;
  /** Its files: a restart on the same folder keeps what it had stored. */
  dir: string;
  url: string;
  proc: ChildProcess;
  output(): string;
  exited: Promise<void>;
  /** SIGTERM (a clean shutdown), then waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash, then waits for the exit. */
  kill(): Promise<void>;
}

/** A service process as the tests hold it: `command` started now, its output kept. */
function track(command: string, args: string[], port: number, dir: string, url: string): ServiceProcess {
  let out = '';
  const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (b) => (out += b));
  proc.stderr!.on('data', (b) => (out += b));
  const exited = new Promise<void>((r) => proc.on('exit', () => r()));
  const alive = () => proc.exitCode === null && proc.signalCode === null;
  return {
    port,
    dir,
    url,
    proc,
    output: () => out,
    exited,
    async stop() {
      if (alive()) proc.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (alive()) proc.kill('SIGKILL');
      await exited;
    },
  };
}

function startProcess(kind: string, args: string[], port: number, dir: string, url: string): ServiceProcess {
  return track('bash', [script, kind, ...args], port, dir, url);
}

/** Resolves once `port` accepts a connection and `ready` (a protocol-level check) says yes. */
async function waitReady(svc: ServiceProcess, ready: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (svc.proc.exitCode !== null) throw new Error(`service exited: ${svc.output()}`);
    if (await ready().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`service not ready in time:\n${svc.output()}`);
}

/** Sends `request` on a fresh connection and resolves with the first bytes answered. */
function ask(port: number, request: Buffer | string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(request));
    s.once('data', (b) => {
      s.destroy();
      resolve(b);
    });
    s.once('error', reject);
    s.setTimeout(2000, () => {
      s.destroy();
      reject(new Error('no answer'));
    });
  });
}

function tempDir(kind: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `webcompile-${kind}-`));
}

/** Redis with an append-only file fsynced on every write. `dir`: reuse one to restart it. */
export async function startRedis(opts: { dir?: string; port?: number } = {}): Promise<ServiceProcess> {
  installServices();
  const dir = opts.dir ?? tempDir('redis');
  const port = opts.port ?? (await freePort());
  const svc = startProcess('redis', [dir, String(port)], port, dir, `redis://127.0.0.1:${port}`);
  await waitReady(svc, async () => (await ask(port, 'PING\r\n')).toString().startsWith('+PONG'));
  return svc;
}

/** PostgreSQL with database and user "webcompile". `dir` is the parent of its data folder. */
export async function startPostgres(opts: { dir?: string; port?: number } = {}): Promise<ServiceProcess> {
  installServices();
  const dir = opts.dir ?? tempDir('postgres');
  const port = opts.port ?? (await freePort());
  const url = `postgres://webcompile@127.0.0.1:${port}/webcompile`;
  const svc = startProcess('postgres', [path.join(dir, 'data'), String(port)], port, dir, url);
  // An SSLRequest: a listening server answers one byte ('N' here, no TLS); a starting one refuses
  // the connection. Then a real query, for "the database system is starting up".
  const { Client } = await import('pg');
  await waitReady(svc, async () => {
    await ask(port, Buffer.from([0, 0, 0, 8, 4, 0xd2, 0x16, 0x2f]));
    const c = new Client({ connectionString: url });
    try {
      await c.connect();
      await c.query('SELECT 1');
      return true;
    } finally {
      await c.end().catch(() => {});
    }
  });
  return svc;
}

/**
 * nginx on `port` in front of `upstreams` (ports on 127.0.0.1), run by scripts/lb.mjs with the
 * repository's deploy/nginx.conf and its active health checks every `intervalMs`.
 */
export async function startLoadBalancer(upstreams: number[], intervalMs = 200): Promise<ServiceProcess> {
  installServices();
  const dir = tempDir('nginx');
  const port = await freePort();
  const args = [
    path.join(root, 'scripts/lb.mjs'),
    '--dir',
    dir,
    '--port',
    String(port),
    '--interval',
    String(intervalMs),
  ];
  for (const u of upstreams) args.push('--upstream', `127.0.0.1:${u}`);
  const svc = track(process.execPath, args, port, dir, `http://127.0.0.1:${port}`);
  await waitReady(svc, async () => svc.output().includes('lb: ready'));
  return svc;
}
