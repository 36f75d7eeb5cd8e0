// Calls to a test server's Judge0 API (/judge0/...): the status, the headers, and the body as JSON
// (null when empty), as Judge0's clients read them.

import type { TestServer } from './spawn-server';
import { eventually } from './server';

export interface Judge0Answer {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export async function j0(
  server: TestServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Judge0Answer> {
  const r = await fetch(`${server.url}/judge0${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let parsed: unknown = null;
  if (text !== '' && (r.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
  return { status: r.status, headers: r.headers, text, body: parsed };
}

export const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
export const unb64 = (s: string | null) => (s === null ? null : Buffer.from(s, 'base64').toString('utf8'));

/** Polls GET /submissions/{token} (as Judge0's clients do) until its status is past In Queue and Processing. */
export async function finished(
  server: TestServer,
  token: string,
  query = 'fields=*',
  timeoutMs = 30_000,
  headers: Record<string, string> = {},
) {
  return eventually(
    async () => {
      const a = await j0(server, 'GET', `/submissions/${token}?${query}`, undefined, headers);
      return a.status === 200 && a.body.status.id > 2 ? a.body : undefined;
    },
    timeoutMs,
    `submission ${token} to finish`,
  );
}
