// Counters, gauges and histograms (prom-client, for /api/metrics) plus rolling windows and a short
// history (for /api/stats and the /stats page). One instance per server process.

import client from 'prom-client';
import { SampleWindow } from './samples';

export type Phase = 'queue' | 'compile' | 'run' | 'total';

/** The containers of every pool together, as the gauges and the history show them. */
export interface ContainerCounts {
  size: number;
  idle: number;
  busy: number;
  starting: number;
  waiting: number;
}

export interface HistoryPoint {
  t: number;
  p50TotalMs: number | null;
  idle: number;
  busy: number;
  starting: number;
  waiting: number;
  requests: number;
}

export const HISTORY_INTERVAL_MS = 2000;
const HISTORY_POINTS = 300; // 10 minutes at one point per 2 s

export class Metrics {
  readonly registry = new client.Registry();
  private readonly requests: client.Counter<'status'>;
  private readonly rejected: client.Counter<'reason'>;
  private readonly latency: client.Histogram<'phase'>;
  private readonly containers: client.Counter<'event'>;
  private readonly engineErrorsCounter: client.Counter;
  private readonly warmFallbacks: client.Counter<'reason'>;
  readonly windows: Record<Phase, SampleWindow> = {
    queue: new SampleWindow(),
    compile: new SampleWindow(),
    run: new SampleWindow(),
    total: new SampleWindow(),
  };
  readonly byStatus: Record<string, number> = {};
  readonly rejections: Record<string, number> = {};
  readonly containerEvents = { created: 0, destroyed: 0, failed: 0 };
  engineErrors = 0;
  /** Compiles done, by where: in a sandbox, on a warm compiler, or taken from the compile cache. */
  readonly compiles = { sandbox: 0, warm: 0, cached: 0 };
  /** Compiles the sandbox took over from the warm compilers, by why. */
  readonly warmFallbackCounts = { busy: 0, timeout: 0, declined: 0 };
  readonly history: HistoryPoint[] = [];
  private requestsSinceTick = 0;

  compiled(where: keyof Metrics['compiles']): void {
    this.compiles[where]++;
  }

  constructor(counts: () => ContainerCounts) {
    const r = this.registry;
    this.requests = new client.Counter({
      name: 'webcompile_requests_total',
      help: 'Compile requests answered, by Status',
      labelNames: ['status'],
      registers: [r],
    });
    this.rejected = new client.Counter({
      name: 'webcompile_rejected_total',
      help: 'Requests turned away before running, by reason',
      labelNames: ['reason'],
      registers: [r],
    });
    this.latency = new client.Histogram({
      name: 'webcompile_latency_seconds',
      help: 'Time spent per phase of a request',
      labelNames: ['phase'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 2, 5, 10, 20],
      registers: [r],
    });
    this.containers = new client.Counter({
      name: 'webcompile_containers_total',
      help: 'Sandbox container lifecycle events',
      labelNames: ['event'],
      registers: [r],
    });
    this.engineErrorsCounter = new client.Counter({
      name: 'webcompile_engine_errors_total',
      help: 'Errors talking to the Docker engine',
      registers: [r],
    });
    this.warmFallbacks = new client.Counter({
      name: 'webcompile_warm_compile_fallbacks_total',
      help: 'Compiles done in the sandbox instead of a warm compiler: busy (none free soon) or timeout (warm limit passed)',
      labelNames: ['reason'],
      registers: [r],
    });
    const gauge = (name: string, help: string, key: keyof ContainerCounts) =>
      new client.Gauge({
        name,
        help,
        registers: [r],
        collect() {
          this.set(counts()[key]);
        },
      });
    gauge('webcompile_pool_size', 'Containers the pools keep ready', 'size');
    gauge('webcompile_pool_idle', 'Ready containers', 'idle');
    gauge('webcompile_pool_busy', 'Containers running a request', 'busy');
    gauge('webcompile_pool_starting', 'Containers being created', 'starting');
    gauge('webcompile_queue_length', 'Requests waiting for a container', 'waiting');
    client.collectDefaultMetrics({ register: r, prefix: 'webcompile_process_' });

    const sample = () => {
      const { idle, busy, starting, waiting } = counts();
      this.history.push({
        t: Date.now(),
        p50TotalMs: this.windows.total.percentile(50),
        idle,
        busy,
        starting,
        waiting,
        requests: this.requestsSinceTick,
      });
      this.requestsSinceTick = 0;
      if (this.history.length > HISTORY_POINTS) this.history.shift();
    };
    const tick = setInterval(sample, HISTORY_INTERVAL_MS);
    tick.unref?.();
  }

  observe(phase: Phase, ms: number | null): void {
    if (ms === null) return;
    this.windows[phase].add(ms);
    this.latency.observe({ phase }, ms / 1000);
  }

  answered(status: string): void {
    this.requests.inc({ status });
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    this.requestsSinceTick++;
  }

  reject(reason: string): void {
    this.rejected.inc({ reason });
    this.rejections[reason] = (this.rejections[reason] ?? 0) + 1;
  }

  container(event: 'created' | 'destroyed' | 'failed'): void {
    this.containers.inc({ event });
    this.containerEvents[event]++;
  }

  warmFallback(reason: 'busy' | 'timeout' | 'declined'): void {
    this.warmFallbacks.inc({ reason });
    this.warmFallbackCounts[reason]++;
  }

  engineError(): void {
    this.engineErrors++;
    this.engineErrorsCounter.inc();
  }
}
