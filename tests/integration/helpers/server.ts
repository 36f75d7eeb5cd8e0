// Starts the built app (node server.mjs) as a real child process with the tests' settings, for
// HTTP tests against the real Docker engine, and the calls those tests share.

import http from 'node:http';
import Dockerode from 'dockerode';
import type { RunResult } from '@/lib/contract/compile-response';
import { afterAll, beforeAll } from 'vitest';
import { spawnServer, type TestServer } from './spawn-server';

export type { TestServer } from './spawn-server';

/** The second pass of the test command runs the sandboxes in gVisor (scripts/test.sh). */
export const GVISOR = process.env.WEBCOMPILE_SANDBOX_RUNTIME === 'runsc';
export const docker = new Dockerode({ socketPath: process.env.WEBCOMPILE_DOCKER_SOCKET || '/var/run/docker.sock' });

const TEST_SETTINGS: Record<string, string> = {
  // The C# tests need only C#; languages.test.ts enables every language.
  WEBCOMPILE_LANGUAGES: 'csharp',
  WEBCOMPILE_POOL_SIZE: '2',
  WEBCOMPILE_RATE_LIMIT_PER_MINUTE: '0',
  WEBCOMPILE_LOG_DIR: 'runs/test',
  WEBCOMPILE_RECONCILE_INTERVAL_MS: '300',
  WEBCOMPILE_CREATE_RETRY_MAX_MS: '1000',
};

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

/** A server with the tests' settings (see TEST_SETTINGS) plus `env`. */
export function startServer(
  env: Record<string, string> = {},
  opts: { waitHealthy?: boolean; port?: number } = {},
): Promise<TestServer> {
  return spawnServer({ ...TEST_SETTINGS, ...env }, opts);
}

export interface CompileAnswer {
  status: number;
  headers: Headers;
  /** The answer's JSON: a run result, or for a refusal (4xx, 503) only ErrorString and its error's extras. */
  body: RunResult;
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

/** The server's GET /api/stats. */
export async function statsOf(server: TestServer) {
  return (await fetch(`${server.url}/api/stats`)).json();
}

export async function instanceIdOf(server: TestServer): Promise<string> {
  return (await statsOf(server)).instanceId;
}

/** Waits until `check` holds, polling the real system (never a fixed sleep). */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
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

/**
 * POST /api/compile from a given loopback source address: 127.0.0.2 plays a second client. Aborting
 * `signal` closes the connection, which stops the run.
 */
export function compileFrom(
  server: TestServer,
  body: Record<string, unknown>,
  opts: { localAddress: string; signal?: AbortSignal },
): Promise<CompileAnswer & { at: number }> {
  const url = new URL('/api/compile', server.url);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress: opts.localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
        signal: opts.signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
          resolve({
            status: res.statusCode ?? 0,
            headers,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
            at: performance.now(),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}
