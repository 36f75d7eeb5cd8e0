// Starts the built app (node server.mjs) as a real child process on a free port, for HTTP tests
// against the real Docker engine.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from './free-port';

const root = path.resolve(__dirname, '../../..');
export const docker = new Dockerode({ socketPath: process.env.WEBCOMPILE_DOCKER_SOCKET || '/var/run/docker.sock' });

export interface TestServer {
  url: string;
  port: number;
  proc: ChildProcess;
  output: () => string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Starts a server before the tests of the enclosing block (or file) and stops it after them. The
 * returned object is filled in by the time the tests run.
 */
export function useServer(env: Record<string, string> = {}): TestServer {
  const server = {} as TestServer;
  beforeAll(async () => {
    Object.assign(server, await startServer(env));
  });
  afterAll(async () => {
    await server.stop?.();
  });
  return server;
}

export async function startServer(env: Record<string, string> = {}, opts: { waitHealthy?: boolean } = {}): Promise<TestServer> {
  const port = await freePort();
  let out = '';
  const proc = spawn(process.execPath, ['server.mjs'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      PORT: String(port),
      HOST: '127.0.0.1',
      // The C# tests need only C#; languages.test.ts enables every language.
      WEBCOMPILE_LANGUAGES: 'csharp',
      WEBCOMPILE_POOL_SIZE: '2',
      WEBCOMPILE_RATE_LIMIT_PER_MINUTE: '0',
      WEBCOMPILE_LOG_DIR: 'runs/test',
      WEBCOMPILE_RECONCILE_INTERVAL_MS: '300',
      WEBCOMPILE_CREATE_RETRY_MAX_MS: '1000',
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

export interface CompileAnswer {
  status: number;
  headers: Headers;
  body: Record<string, any>;
}

export async function compile(
  server: TestServer,
  body: Record<string, unknown>,
  init: RequestInit = {},
): Promise<CompileAnswer> {
  const r = await fetch(`${server.url}/api/compile`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...init,
  });
  return { status: r.status, headers: r.headers, body: await r.json() };
}

/** Labelled containers of one server instance (or all of ours when no instance is given). */
export async function ourContainers(filter: Record<string, string> = {}): Promise<Dockerode.ContainerInfo[]> {
  const label = ['webcompile.managed=true', ...Object.entries(filter).map(([k, v]) => `${k}=${v}`)];
  return docker.listContainers({ all: true, filters: { label } });
}

/** Sandbox containers of one server instance. */
export function sandboxesOf(instance: string): Promise<Dockerode.ContainerInfo[]> {
  return ourContainers({ 'webcompile.instance': instance, 'webcompile.role': 'sandbox' });
}

/** Every container (sandboxes and warm compilers) of one server instance. */
export function containersOf(instance: string): Promise<Dockerode.ContainerInfo[]> {
  return ourContainers({ 'webcompile.instance': instance });
}

export async function instanceIdOf(server: TestServer): Promise<string> {
  const r = await fetch(`${server.url}/api/stats`);
  return (await r.json()).instanceId;
}

/** Waits until `check` holds, polling the real system (never a fixed sleep). */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const SUM = `using System;
class Program
{
    static void Main()
    {
        long sum = 0;
        for (int i = 0; i < 1000; i++) sum += i;
        Console.WriteLine("Sum: " + sum);
    }
}
`;
