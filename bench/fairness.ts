// npm run bench -- --fairness: one client floods, another sends hello worlds in the same language,
// and the victim's latency is what we print. Two floods, each 16 in flight and sent again as soon as
// one is answered: Python busy loops (they hold sandboxes for their whole time limit) and C# compile
// bombs (they hold warm compilers). The flood comes from 127.0.0.1, the victim from 127.0.0.2.
import { setMaxListeners } from 'node:events';
import { SampleWindow } from '../lib/observability/samples';
import { compileBomb } from '../tests/integration/helpers/programs';
import { spawnServer } from '../tests/integration/helpers/spawn-server';
import { json, postCompile } from './post';

const FLOOD_IN_FLIGHT = 16;
const VICTIM_REQUESTS = Number(process.env.BENCH_FAIRNESS_VICTIM || 20);

export interface FairnessRow {
  name: string;
  n: number;
  p50: number;
  p95: number;
  max: number;
  /** Victim requests answered 503 (no sandbox in time, queue full). */
  unavailable: number;
  /** Victim requests answered otherwise than 200 with Status ok. */
  failed: number;
  /** What the flood got back meanwhile, by HTTP status. */
  flood: Record<string, number>;
}

interface Answer {
  status: number;
  body: { Status?: string; Output?: string };
}

async function post(url: string, body: object, localAddress: string, signal?: AbortSignal): Promise<Answer> {
  const r = await postCompile(url, body, { localAddress, signal });
  return { status: r.status, body: json<Answer['body']>(r) };
}

const nonce = () => `${Math.random().toString(36).slice(2)}${Date.now()}`;

async function scenario(
  url: string,
  name: string,
  floodBody: () => object,
  victimBody: () => object,
  expected: string,
): Promise<FairnessRow> {
  const stop = new AbortController();
  setMaxListeners(FLOOD_IN_FLIGHT * 2, stop.signal); // one listener per flood request in flight
  const flood: Record<string, number> = {};
  const flooders = Array.from({ length: FLOOD_IN_FLIGHT }, async () => {
    while (!stop.signal.aborted) {
      try {
        const a = await post(url, floodBody(), '127.0.0.1', stop.signal);
        flood[a.status] = (flood[a.status] ?? 0) + 1;
      } catch {
        // aborted at the end
      }
    }
  });
  // Let the flood take what it can before the victim starts.
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    const stats = await (await fetch(`${url}/api/stats`)).json();
    if (stats.requests.inFlight >= FLOOD_IN_FLIGHT) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const lat = new SampleWindow(VICTIM_REQUESTS);
  let unavailable = 0;
  let failed = 0;
  for (let i = 0; i < VICTIM_REQUESTS; i++) {
    const t0 = performance.now();
    const a = await post(url, victimBody(), '127.0.0.2');
    lat.add(performance.now() - t0);
    if (a.status === 503) unavailable++;
    if (a.status !== 200 || a.body.Status !== 'ok' || !String(a.body.Output).startsWith(expected)) failed++;
  }
  stop.abort();
  await Promise.all(flooders);
  const row = {
    name,
    n: VICTIM_REQUESTS,
    p50: lat.percentile(50)!,
    p95: lat.percentile(95)!,
    max: lat.percentile(100)!,
    unavailable,
    failed,
    flood,
  };
  console.error(
    `  ${name}: victim p50 ${row.p50.toFixed(0)} ms, p95 ${row.p95.toFixed(0)} ms, ${unavailable} × 503, ${failed} failed; flood ${JSON.stringify(flood)}`,
  );
  return row;
}

export async function fairness(): Promise<{ rows: FairnessRow[]; table: string }> {
  console.error('fairness: one client floods 16 in flight, another sends hello worlds');
  // The service's own settings, but no per-minute throttle: the flood is meant to get through.
  const server = await spawnServer({ WEBCOMPILE_RATE_LIMIT_PER_MINUTE: '0', WEBCOMPILE_LOG_DIR: 'runs/bench' });
  const rows: FairnessRow[] = [];
  try {
    rows.push(
      await scenario(
        server.url,
        'Python busy loops (20 s) vs Python hello',
        () => ({ language: 'python', code: `# ${nonce()}\nwhile True:\n    pass\n`, timeoutMs: 20000 }),
        () => ({ language: 'python', code: `# ${nonce()}\nprint("hello")\n` }),
        'hello',
      ),
    );
    rows.push(
      await scenario(
        server.url,
        'C# compile bombs vs C# hello',
        () => ({ code: compileBomb(6, nonce()) }),
        () => ({ code: `// ${nonce()}\nclass P { static void Main() { System.Console.WriteLine("hello"); } }` }),
        'hello',
      ),
    );
  } finally {
    await server.stop();
  }
  const table = [
    '| flood (16 in flight, client A) vs victim (client B, serial) | victim requests | p50 ms | p95 ms | max ms | victim 503s | victim failures | flood answers by HTTP status |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.n} | ${r.p50.toFixed(0)} | ${r.p95.toFixed(0)} | ${r.max.toFixed(0)} | ${r.unavailable} | ${r.failed} | ${Object.entries(
          r.flood,
        )
          .map(([s, n]) => `${s}: ${n}`)
          .join(', ')} |`,
    ),
  ].join('\n');
  return { rows, table };
}
