// The benchmarks' one client call: POST /api/compile with node:http (keep-alive costs ~0.8 ms of CPU a
// request here, fetch ~2.5–3, on the same two cores as the service), the answer's status and text.
import http from 'node:http';

export interface Posted {
  status: number;
  text: string;
}

export function postCompile(
  url: string,
  body: object,
  options: { agent?: http.Agent; localAddress?: string; signal?: AbortSignal } = {},
): Promise<Posted> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/api/compile`,
      {
        method: 'POST',
        ...options,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** The answer's JSON, or {} when it is not JSON (the caller reports it). */
export function json<T extends object>(p: Posted): Partial<T> {
  try {
    return JSON.parse(p.text) as T;
  } catch {
    return {};
  }
}
