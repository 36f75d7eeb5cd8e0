'use client';

// Live view of /api/stats, polled with SWR.

import Link from 'next/link';
import useSWR from 'swr';
import type { statsBody } from '@/lib/http/status-handlers';
import { fetchJson } from '../ui/languages';
import { Sparkline } from './sparkline';
import './stats.css';

// The server's own answer type (a type-only import: nothing of the server reaches the browser).
type Stats = ReturnType<typeof statsBody>;

function ms(v: number | null) {
  return v === null ? '–' : `${Math.round(v)} ms`;
}

function uptime(s: number) {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h} h ${m} min` : m ? `${m} min ${s % 60} s` : `${s} s`;
}

export function StatsView() {
  const { data, error } = useSWR('/api/stats', (url: string) => fetchJson<Stats>(url), { refreshInterval: 2000 });
  return (
    <main className="stats">
      <header>
        <h1>WebCompile stats</h1>
        <Link href="/">← editor</Link>
      </header>
      {error && <p role="alert">Stats unavailable: {String(error.message)}</p>}
      {!data ? (
        <p>Loading…</p>
      ) : (
        <>
          <section className="cards" aria-label="Pool">
            <Card label="Uptime" value={uptime(data.uptimeS)} />
            <Card label="Pool size" value={data.pool.size} testId="stat-size" />
            <Card label="Idle" value={data.pool.idle} testId="stat-idle" />
            <Card label="Busy" value={data.pool.busy} />
            <Card label="Starting" value={data.pool.starting} />
            <Card label="Queue" value={data.queueLength} />
            <Card label="In flight" value={data.requests.inFlight} />
            <Card label="Engine errors" value={data.engineErrors} />
          </section>

          <section aria-label="Latency">
            <h2>Latency (last {data.latencyMs.total.count} requests)</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">Phase</th>
                  <th scope="col">p50</th>
                  <th scope="col">p90</th>
                  <th scope="col">p99</th>
                  <th scope="col">max</th>
                </tr>
              </thead>
              <tbody>
                {(['queue', 'compile', 'run', 'total'] as const).map((k) => (
                  <tr key={k}>
                    <th scope="row">{k}</th>
                    <td>{ms(data.latencyMs[k].p50)}</td>
                    <td>{ms(data.latencyMs[k].p90)}</td>
                    <td>{ms(data.latencyMs[k].p99)}</td>
                    <td>{ms(data.latencyMs[k].max)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>

          <section className="charts" aria-label="History">
            <div>
              <h2>p50 total latency</h2>
              <Sparkline
                unit=" ms"
                series={[{ label: 'p50 total', color: '#4f8cff', values: data.history.map((h) => h.p50TotalMs) }]}
              />
            </div>
            <div>
              <h2>Pool state</h2>
              <Sparkline
                series={[
                  { label: 'idle', color: '#3fb950', values: data.history.map((h) => h.idle) },
                  { label: 'busy', color: '#f0883e', values: data.history.map((h) => h.busy) },
                  { label: 'waiting', color: '#f85149', values: data.history.map((h) => h.waiting) },
                ]}
              />
            </div>
            <div>
              <h2>Requests per 2 s</h2>
              <Sparkline
                series={[{ label: 'requests', color: '#a371f7', values: data.history.map((h) => h.requests) }]}
              />
            </div>
          </section>

          <section className="cols">
            <div>
              <h2>Answers by Status</h2>
              <Counts data={data.requests.byStatus} />
            </div>
            <div>
              <h2>Turned away</h2>
              <Counts data={data.requests.rejected} />
            </div>
            <div>
              <h2>Containers</h2>
              <Counts data={data.containers} />
            </div>
          </section>
        </>
      )}
    </main>
  );
}

function Card({ label, value, testId }: { label: string; value: string | number; testId?: string }) {
  return (
    <div className="card">
      <span>{label}</span>
      <strong data-testid={testId}>{value}</strong>
    </div>
  );
}

function Counts({ data }: { data: Record<string, number> }) {
  const entries = Object.entries(data);
  if (entries.length === 0) return <p className="muted">none yet</p>;
  return (
    <dl>
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
