// An in-memory Engine for unit tests of the orchestration (pools, housekeeping, sweep, warm
// compilers, the core). A container's main process is a Behaviour the test installs per role
// (webcompile.role): a simulated sandbox agent (docs/agent-protocol.md) or a simulated warm compiler
// (lib/compiler/protocol.ts). Everything that happens later happens on timers, so vi.useFakeTimers()
// drives it; nothing happens inside a write.

import type { StreamName } from '@/lib/engine/demux';
import {
  ContainerGoneError,
  type Attached,
  type ContainerSpec,
  type Engine,
  type ManagedContainer,
} from '@/lib/engine/engine';
import { LABEL_MANAGED, LABEL_ROLE, type SandboxLimits, type SandboxOwner } from '@/lib/engine/sandbox-spec';
import type { SandboxPoolOptions } from '@/lib/pool/sandbox-pool';
import type { CompilerPoolOptions } from '@/lib/compiler/warm-compiler';
import { PROTOCOL_VERSION, type Artifact, type SourceFile } from '@/lib/compiler/protocol';
import { encodeFields, FieldReader } from '@/lib/util/fields';
import { frame, report, type ReportFields } from './agent-frames';

export const testOwner: SandboxOwner = { instanceId: 'me', hostname: 'box', pid: 100 };
export const testLimits: SandboxLimits = { memoryMb: 256, cpus: 1, pidsLimit: 64, workTmpfsMb: 64 };

/** A pool of "csharp" sandboxes of testOwner. */
export const sandboxPoolOptions = (over: Partial<SandboxPoolOptions> = {}): SandboxPoolOptions => ({
  language: 'csharp',
  image: 'img',
  limits: testLimits,
  seccomp: () => undefined,
  owner: testOwner,
  size: 2,
  maxQueue: 10,
  acquireTimeoutMs: 5000,
  ...over,
});

/** A pool of warm "csharp" compilers of testOwner, reusable as the runtime makes it. */
export const compilerPoolOptions = (over: Partial<CompilerPoolOptions> = {}): CompilerPoolOptions => ({
  ...sandboxPoolOptions(),
  cmd: ['compiler-server'],
  maxTotal: 2,
  reusable: true,
  recycleAfter: 100,
  warmupFiles: [{ path: 'main.cs', content: 'class Warm {}' }],
  warmups: 1,
  ...over,
});

export interface FakeContainer extends ManagedContainer {
  state: 'running' | 'exited';
  spec: ContainerSpec;
  /** What oomKilled() answers. */
  oomKilled: boolean;
  exitCode: number | null;
  /** What setMemoryLimit() set last, in MiB (null: the spec's). */
  memoryMb: number | null;
}

/** What a container's main process can do. */
export interface Proc {
  readonly container: FakeContainer;
  stdout(data: string | Buffer): void;
  stderr(data: string | Buffer): void;
  /** The main process ends: the container stops, every attach stream ends, waitStopped resolves. */
  exit(code: number): void;
  /** Runs `fn` after `ms` (every `ms` with `repeat`) while the container runs. */
  after(ms: number, fn: () => void, repeat?: boolean): void;
}

/** A container's main process: started at create, handed what is written to its stdin. */
export type Behaviour = (p: Proc) => { input?(data: Buffer): void; endInput?(): void } | void;

type Method = keyof Engine;
// prettier-ignore
const METHODS: Method[] = ['ping', 'version', 'inspectImage', 'createAndStart', 'kill', 'remove', 'waitStopped', 'setMemoryLimit', 'oomKilled', 'listManaged', 'attach'];
const HANG = 'hang';

interface Box {
  c: FakeContainer;
  proc: ReturnType<Behaviour>;
  /** Open attach streams: where output goes, and how each ends. */
  streams: Map<(stream: StreamName, payload: Buffer) => void, () => void>;
  /** Cancel the process's pending timers. */
  timers: (() => void)[];
  stopped: Promise<void>;
  markStopped(): void;
}

export class FakeEngine implements Engine {
  /** How often the code called each method (the *FromOutside helpers do not count). */
  readonly calls = Object.fromEntries(METHODS.map((m) => [m, 0])) as Record<Method, number>;
  readonly images = new Map<string, { id: string; labels: Record<string, string> }>();
  /** Decides each create: an error to reject with, 'hang' never to answer, undefined to create. */
  createRule: ((spec: ContainerSpec) => Error | typeof HANG | undefined) | null = null;
  /** How long a create takes; the container exists (is listed, its process runs) from the call on. */
  createMs = 0;
  private readonly next = new Map<Method, (Error | typeof HANG)[]>();
  private readonly boxes = new Map<string, Box>();
  private ids = 0;

  /** The main process of new containers, by role; a role without one idles until killed. */
  constructor(readonly behaviours: Partial<Record<'sandbox' | 'compiler', Behaviour>> = {}) {}

  /** The next `times` calls of `method` reject with `error`. */
  failNext(method: Method, error: Error, times = 1): void {
    this.next.set(method, [...(this.next.get(method) ?? []), ...Array<Error>(times).fill(error)]);
  }

  /** The next `times` calls of `method` never settle. */
  hangNext(method: Method, times = 1): void {
    this.next.set(method, [...(this.next.get(method) ?? []), ...Array<typeof HANG>(times).fill(HANG)]);
  }

  /** Every container that exists (running or exited) and carries `labels`, oldest first. */
  containers(labels: Record<string, string> = {}): FakeContainer[] {
    const all = [...this.boxes.values()].map((b) => b.c);
    return all.filter((c) => Object.entries(labels).every(([k, v]) => c.labels[k] === v));
  }

  container(id: string): FakeContainer | undefined {
    return this.boxes.get(id)?.c;
  }

  /** A container some earlier process made (no behaviour). */
  seed(labels: Record<string, string>, o: { createdAt?: number; state?: FakeContainer['state'] } = {}): string {
    const b = this.add({ Labels: labels }, o.createdAt ?? Date.now());
    if (o.state === 'exited') this.stop(b, 0);
    return b.c.id;
  }

  /** `docker kill` by someone else: not counted in `calls`. */
  killFromOutside(id: string, { oom = false } = {}): void {
    const b = this.boxes.get(id);
    if (!b) return;
    b.c.oomKilled ||= oom;
    this.stop(b, 137);
  }

  /** `docker rm -f` by someone else: not counted in `calls`. */
  removeFromOutside(id: string): void {
    this.killFromOutside(id);
    this.boxes.delete(id);
  }

  async ping(): Promise<void> {
    await this.enter('ping');
  }

  async version(): Promise<string> {
    await this.enter('version');
    return '20.10.24+dfsg1';
  }

  async inspectImage(image: string): Promise<{ id: string; labels: Record<string, string> } | null> {
    await this.enter('inspectImage');
    return this.images.get(image) ?? null;
  }

  async createAndStart(spec: ContainerSpec): Promise<string> {
    await this.enter('createAndStart');
    const rule = this.createRule?.(spec);
    if (rule === HANG) await new Promise(() => {});
    if (rule) throw rule;
    const b = this.add(spec, Date.now());
    b.proc = this.behaviours[spec.Labels?.[LABEL_ROLE] as 'sandbox' | 'compiler']?.(this.procOf(b));
    if (this.createMs > 0) await new Promise((r) => setTimeout(r, this.createMs));
    return b.c.id;
  }

  async kill(id: string): Promise<void> {
    await this.enter('kill');
    this.killFromOutside(id);
  }

  async remove(id: string): Promise<void> {
    await this.enter('remove');
    this.removeFromOutside(id);
  }

  async waitStopped(id: string): Promise<void> {
    await this.enter('waitStopped');
    await this.boxes.get(id)?.stopped;
  }

  async setMemoryLimit(id: string, mb: number): Promise<void> {
    await this.enter('setMemoryLimit');
    const b = this.boxes.get(id);
    if (!b) throw new ContainerGoneError(`no such container ${id} during update`);
    b.c.memoryMb = mb;
    this.memoryLimits.set(id, mb);
  }

  /** Every memory limit setMemoryLimit() set, by container (kept after the container is removed). */
  readonly memoryLimits = new Map<string, number>();

  async oomKilled(id: string): Promise<boolean> {
    await this.enter('oomKilled');
    return this.boxes.get(id)?.c.oomKilled ?? false;
  }

  async listManaged(labels: Record<string, string> = {}): Promise<ManagedContainer[]> {
    await this.enter('listManaged');
    const list = this.containers({ ...labels, [LABEL_MANAGED]: 'true' });
    return list.map((c) => ({ id: c.id, labels: { ...c.labels }, state: c.state, createdAt: c.createdAt }));
  }

  /** Output goes to the streams attached at the time; an attach to a stopped container ends at once. */
  async attach(id: string, onFrame: (stream: StreamName, payload: Buffer) => void): Promise<Attached> {
    await this.enter('attach');
    const b = this.boxes.get(id);
    if (!b) throw new ContainerGoneError(`no such container ${id} during attach`);
    let close!: () => void;
    const ended = new Promise<void>((resolve) => (close = resolve));
    let inputOpen = true;
    const open = () => b.streams.has(onFrame);
    if (b.c.state === 'running') b.streams.set(onFrame, close);
    else close();
    return {
      write: (data) => {
        if (open() && inputOpen) b.proc?.input?.(Buffer.from(data));
      },
      endInput: () => {
        if (!open() || !inputOpen) return;
        inputOpen = false;
        b.proc?.endInput?.();
      },
      destroy: () => {
        b.streams.delete(onFrame);
        close();
      },
      ended,
    };
  }

  private async enter(method: Method): Promise<void> {
    this.calls[method]++;
    const f = this.next.get(method)?.shift();
    if (f === HANG) await new Promise(() => {});
    if (f) throw f;
  }

  private add(spec: ContainerSpec, createdAt: number): Box {
    let markStopped!: () => void;
    const stopped = new Promise<void>((r) => (markStopped = r));
    const c: FakeContainer = {
      id: `fake-${++this.ids}`,
      labels: { ...spec.Labels },
      state: 'running',
      createdAt: Math.floor(createdAt / 1000) * 1000, // the engine keeps whole seconds
      spec,
      oomKilled: false,
      exitCode: null,
      memoryMb: null,
    };
    const b: Box = { c, proc: undefined, streams: new Map(), timers: [], stopped, markStopped };
    this.boxes.set(c.id, b);
    return b;
  }

  private procOf(b: Box): Proc {
    const send = (stream: StreamName) => (data: string | Buffer) => {
      for (const onFrame of [...b.streams.keys()]) onFrame(stream, Buffer.from(data));
    };
    return {
      container: b.c,
      stdout: send('stdout'),
      stderr: send('stderr'),
      exit: (code) => this.stop(b, code),
      after: (ms, fn, repeat = false) => {
        if (b.c.state !== 'running') return;
        const t = repeat ? setInterval(fn, ms) : setTimeout(fn, ms);
        b.timers.push(() => (repeat ? clearInterval(t) : clearTimeout(t)));
      },
    };
  }

  private stop(b: Box, code: number): void {
    if (b.c.state !== 'running') return;
    b.c.state = 'exited';
    b.c.exitCode = code;
    for (const cancel of b.timers.splice(0)) cancel();
    for (const close of b.streams.values()) close();
    b.streams.clear();
    b.markStopped();
  }
}

// ---- The sandbox agent (docs/agent-protocol.md) ----

export interface DecodedJob {
  nonce: string;
  outputLimitBytes: number;
  compile?: string[];
  run: string[];
  stdin: Buffer;
  files: Record<string, { mode: string; content: Buffer }>;
}

/** Reads a job as the agent does: fields "<byte length>\n<bytes>", then EOF. Throws on anything malformed. */
export function decodeJob(bytes: Buffer): DecodedJob {
  let pos = 0;
  const field = (): Buffer => {
    const nl = bytes.indexOf(0x0a, pos);
    const len = nl < 0 ? '' : bytes.subarray(pos, nl).toString('latin1');
    if (!/^(0|[1-9][0-9]*)$/.test(len) || nl + 1 + Number(len) > bytes.length)
      throw new Error(`bad field at byte ${pos}`);
    pos = nl + 1 + Number(len);
    return bytes.subarray(nl + 1, pos);
  };
  const text = () => field().toString('utf8');
  const argv = () => Array.from({ length: Number(text()) }, text);
  if (text() !== 'wc2') throw new Error('bad magic');
  const nonce = text();
  const outputLimitBytes = Number(text());
  const compile = argv();
  const run = argv();
  const stdin = field();
  const files: DecodedJob['files'] = {};
  for (let n = Number(text()); n > 0; n--) {
    const path = text();
    files[path] = { mode: text(), content: field() };
  }
  if (pos !== bytes.length) throw new Error('bytes after the last file');
  return { nonce, outputLimitBytes, ...(compile.length ? { compile } : {}), run, stdin, files };
}

/** What an agent script can say; each call sends one frame at once (schedule them with `after`). */
export interface Agent {
  readonly job: DecodedJob;
  after(ms: number, fn: () => void, repeat?: boolean): void;
  started(): void;
  compiled(f?: ReportFields, output?: string): void;
  stdout(text: string): void;
  stderr(text: string): void;
  /** The run report; the agent then exits with the step's code. */
  finish(f?: ReportFields): void;
  /** An E frame, then exit 121. */
  fail(message: string): void;
}

/** An agent that reads the job to EOF, then hands it to `script`. A malformed job gets an E frame. */
export function fakeAgent(script: (a: Agent) => void): Behaviour {
  return (p) => {
    const input: Buffer[] = [];
    const out = (type: string, payload: string) => p.stdout(frame(type, payload));
    return {
      input: (data) => void input.push(data),
      endInput: () => {
        let job: DecodedJob;
        try {
          job = decodeJob(Buffer.concat(input));
        } catch (e) {
          p.after(0, () => {
            out('E', (e as Error).message);
            p.exit(121);
          });
          return;
        }
        script({
          job,
          after: p.after,
          started: () => out('S', job.nonce),
          compiled: (f = {}, output = '') => {
            if (output) out('c', output);
            out('C', report(job.nonce, f));
          },
          stdout: (text) => p.stdout(frame('o', Buffer.from(text))),
          stderr: (text) => p.stdout(frame('e', Buffer.from(text))),
          finish: (f = {}) => {
            out('R', report(job.nonce, f));
            p.exit(f.signal !== undefined ? 128 + f.signal : (f.exit ?? 0));
          },
          fail: (message) => {
            out('E', message);
            p.exit(121);
          },
        });
      },
    };
  };
}

export const agents = {
  /** `ms` after the job arrives: (compiles,) prints `text` and exits with `exit`. */
  printThenExit: (text: string, exit = 0, ms = 10): Behaviour =>
    fakeAgent((a) =>
      a.after(ms, () => {
        a.started();
        if (a.job.compile) a.compiled();
        a.stdout(text);
        a.finish({ exit });
      }),
    ),
  /** Starts the run, then prints `chunk` every `everyMs` until killed. */
  printForever: (chunk = 'y\n', everyMs = 1): Behaviour =>
    fakeAgent((a) =>
      a.after(0, () => {
        a.started();
        if (a.job.compile) a.compiled();
        a.after(everyMs, () => a.stdout(chunk), true);
      }),
    ),
  /** Reads the job and never sends a frame. */
  neverAnswer: (): Behaviour => fakeAgent(() => {}),
  /** The container ends `ms` after it started, before any job reaches it. */
  exitBeforeStart:
    (ms = 0): Behaviour =>
    (p) =>
      p.after(ms, () => p.exit(1)),
};

// ---- The warm compiler (docs/compiler-protocol.md) ----

export type CompilerReply =
  /** An answer after `afterMs` (default: exit 0, no messages, one artifact main.exe "asm:<source>"). */
  | { afterMs: number; exitCode?: number; messages?: string; artifacts?: Artifact[] }
  /** The compiler process dies after `crashAfterMs`, having written `stderr`. */
  | { crashAfterMs: number; stderr?: string }
  | 'hang';

/**
 * A warm compiler that answers each request as `reply` says (`source`: the first file's content;
 * `n` counts this container's requests from 1). A request it cannot read fails the test's process.
 */
export function fakeCompiler(
  reply: (source: string, at: { id: string; n: number; files: SourceFile[] }) => CompilerReply = () => ({
    afterMs: 5,
  }),
): Behaviour {
  return (p) => {
    const fields = new FieldReader(1 << 30);
    const got: Buffer[] = [];
    let n = 0;
    const want = () => (got.length < 2 ? 2 : 2 + 2 * Number(got[1].toString()));
    return {
      input: (data) => {
        fields.push(data);
        for (let f = fields.next(); f; f = fields.next()) {
          got.push(f);
          if (got[0].toString() !== PROTOCOL_VERSION) throw new Error('bad compile request');
          if (got.length < want()) continue;
          const files: SourceFile[] = [];
          for (let i = 2; i < got.length; i += 2) files.push({ path: got[i].toString(), content: got[i + 1] });
          got.length = 0;
          const source = files[0].content.toString();
          const r = reply(source, { id: p.container.id, n: ++n, files });
          if (r === 'hang') continue;
          if ('crashAfterMs' in r) {
            p.after(r.crashAfterMs, () => {
              if (r.stderr) p.stderr(r.stderr);
              p.exit(134);
            });
            continue;
          }
          const artifacts =
            r.artifacts ??
            ((r.exitCode ?? 0) === 0 ? [{ path: 'main.exe', mode: 0o644, content: Buffer.from(`asm:${source}`) }] : []);
          const answer = encodeFields([
            String(r.exitCode ?? 0),
            r.messages ?? '',
            String(artifacts.length),
            ...artifacts.flatMap((a) => [a.path, a.mode.toString(8), a.content]),
          ]);
          p.after(r.afterMs, () => p.stdout(answer));
        }
      },
    };
  };
}
