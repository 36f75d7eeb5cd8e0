// Which instances of a cluster are alive: each writes a heartbeat to Redis every
// WEBCOMPILE_CLUSTER_HEARTBEAT_MS with its pool state; one silent for WEBCOMPILE_CLUSTER_DEAD_AFTER_MS
// is gone. Times are Redis's own clock (TIME inside the scripts), so instances on machines whose
// clocks differ still agree on who is alive.
import type { Logger } from '../observability/logger';
import { errorMessage } from '../util/error-message';
import type { RedisLink } from './redis';

/** What an instance says of itself in each heartbeat (and /api/cluster shows). */
export interface InstanceReport {
  id: string;
  hostname: string;
  pid: number;
  /** Milliseconds since the epoch. */
  startedAt: number;
  shuttingDown: boolean;
  /** Runs under way in its executor. */
  inFlight: number;
  pool: { size: number; idle: number; busy: number; starting: number; waiting: number };
}

export interface LiveInstance extends InstanceReport {
  /** Redis's time of its last heartbeat (ms since the epoch). */
  beatAt: number;
}

const MEMBERS = 'webcompile:instances';
const stateKey = (id: string) => `webcompile:instance:${id}`;

// KEYS: members, state; ARGV: id, report, dead-after ms. Its state expires with it.
const BEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[3]))
return now`;

// KEYS: members; ARGV: dead-after ms. Returns [id, beatAt, ...] of the live ones.
const LIVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZRANGEBYSCORE', KEYS[1], now - tonumber(ARGV[1]), '+inf', 'WITHSCORES')`;

export class Membership {
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;
  /** Since when every heartbeat has been written (null after a failed one, and before the first). */
  private beatingSince: number | null = null;

  constructor(
    private readonly redis: RedisLink,
    private readonly o: {
      report: () => InstanceReport;
      heartbeatMs: number;
      deadAfterMs: number;
      logger: Pick<Logger, 'warn'>;
    },
  ) {}

  /** Beats now and every heartbeat from now on. */
  start(): void {
    if (this.timer) return;
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.o.heartbeatMs);
    this.timer.unref();
  }

  /** One heartbeat (a failed one is logged: the instance is then missing from the list until the next). */
  beat(): Promise<void> {
    // Never two at once: a slow Redis must not pile heartbeats up.
    this.beating ??= (async () => {
      const report = this.o.report();
      try {
        await this.redis.client.eval(
          BEAT,
          2,
          MEMBERS,
          stateKey(report.id),
          report.id,
          JSON.stringify(report),
          this.o.deadAfterMs,
        );
        this.beatingSince ??= Date.now();
      } catch (e) {
        this.beatingSince = null;
        this.o.logger.warn({ event: 'heartbeat_failed', error: errorMessage(e) });
      } finally {
        this.beating = null;
      }
    })();
    return this.beating;
  }

  /** The instances alive now, each with its last report; rejects while Redis cannot be asked. */
  async live(): Promise<LiveInstance[]> {
    const flat = (await this.redis.client.eval(LIVE, 1, MEMBERS, this.o.deadAfterMs)) as string[];
    const beats = new Map<string, number>();
    for (let i = 0; i < flat.length; i += 2) beats.set(flat[i], Number(flat[i + 1]));
    if (beats.size === 0) return [];
    const ids = [...beats.keys()];
    const states = await this.redis.client.mget(ids.map(stateKey));
    const out: LiveInstance[] = [];
    states.forEach((json, i) => {
      // A report expires with its instance; one gone between the two reads is not alive.
      if (json) out.push({ ...(JSON.parse(json) as InstanceReport), beatAt: beats.get(ids[i])! });
    });
    return out.sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
  }

  /**
   * The live instances' ids, for deciding who is dead; rejects until this instance has beaten for a
   * whole dead-after interval. Right after a start, or after Redis was away longer than that, the
   * others' heartbeats may not be written yet: the list would call live instances dead.
   */
  async liveIds(): Promise<string[]> {
    if (this.beatingSince === null || Date.now() - this.beatingSince < this.o.deadAfterMs) {
      throw new Error('who is alive is not known yet: Redis has answered heartbeats for less than the dead-after time');
    }
    return (await this.live()).map((i) => i.id);
  }

  /** Stops beating and leaves the cluster at once (a clean shutdown), so no one waits for it to go silent. */
  async stop(id: string): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.beating;
    await this.redis.client
      .multi()
      .zrem(MEMBERS, id)
      .del(stateKey(id))
      .exec()
      .catch(() => {});
  }
}
