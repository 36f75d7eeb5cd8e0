import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeJob, FrameReader, parseReport, type FrameType } from '@/lib/core/agent-protocol';
import { encodeRequest, ResponseReader, type CompileResponse } from '@/lib/compiler/protocol';
import { ContainerGoneError, EngineUnavailableError } from '@/lib/engine/engine';
import { compilerCreateOptions, sandboxCreateOptions } from '@/lib/engine/sandbox-spec';
import { agents, decodeJob, FakeEngine, fakeCompiler, testLimits, testOwner } from './helpers/fake-engine';

const sandboxSpec = () => sandboxCreateOptions('img', 'csharp', testLimits, testOwner);
const job = {
  nonce: 'ab12',
  outputLimitBytes: 1000,
  run: ['mono', 'a.exe'],
  stdin: 'in\n',
  files: { 'a.cs': 'class A {}' },
};

/** Attaches and collects the agent's frames as the core reads them. */
async function attachAgent(engine: FakeEngine, id: string) {
  const frames: [FrameType, string][] = [];
  const reader = new FrameReader((t, p) => frames.push([t, p.toString('utf8')]));
  const attached = await engine.attach(id, (stream, payload) => stream === 'stdout' && reader.push(payload));
  return { attached, frames };
}

describe('FakeEngine', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_500 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('creates running containers labelled from the spec, with the creation time in whole seconds', async () => {
    const engine = new FakeEngine();
    const id = await engine.createAndStart(sandboxSpec());
    expect(engine.container(id)).toMatchObject({ state: 'running', createdAt: 1_000_000 });
    expect(engine.container(id)!.labels).toMatchObject({
      'webcompile.role': 'sandbox',
      'webcompile.instance': 'me',
      'webcompile.managed': 'true',
    });
    expect(engine.calls.createAndStart).toBe(1);
  });

  it('lists only managed containers, narrowed by labels, stopped ones included', async () => {
    const engine = new FakeEngine();
    const sandbox = await engine.createAndStart(sandboxSpec());
    const compiler = await engine.createAndStart(
      compilerCreateOptions('img', 'csharp', ['srv'], testLimits, testOwner),
    );
    engine.seed({ 'other.app': 'x' });
    engine.killFromOutside(compiler);
    expect((await engine.listManaged()).map((c) => [c.id, c.state])).toEqual([
      [sandbox, 'running'],
      [compiler, 'exited'],
    ]);
    expect((await engine.listManaged({ 'webcompile.role': 'compiler' })).map((c) => c.id)).toEqual([compiler]);
  });

  it('a kill from outside ends the attach stream and waitStopped; the container stays, exited', async () => {
    const engine = new FakeEngine();
    const id = await engine.createAndStart(sandboxSpec());
    const { attached } = await attachAgent(engine, id);
    let ended = false;
    let stopped = false;
    void attached.ended.then(() => (ended = true));
    void engine.waitStopped(id).then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(1000);
    expect([ended, stopped]).toEqual([false, false]);
    engine.killFromOutside(id, { oom: true });
    await vi.advanceTimersByTimeAsync(0);
    expect([ended, stopped]).toEqual([true, true]);
    expect(engine.container(id)).toMatchObject({ state: 'exited', exitCode: 137 });
    await expect(engine.oomKilled(id)).resolves.toBe(true);
    expect(engine.calls.kill).toBe(0);
  });

  it('a removed container is gone: attach rejects, waitStopped resolves at once, kill and remove do nothing', async () => {
    const engine = new FakeEngine();
    const id = await engine.createAndStart(sandboxSpec());
    engine.removeFromOutside(id);
    await expect(engine.attach(id, () => {})).rejects.toBeInstanceOf(ContainerGoneError);
    await expect(engine.waitStopped(id)).resolves.toBeUndefined();
    await expect(engine.kill(id)).resolves.toBeUndefined();
    await expect(engine.remove(id)).resolves.toBeUndefined();
    await expect(engine.oomKilled(id)).resolves.toBe(false);
    expect(await engine.listManaged()).toEqual([]);
  });

  it('an attach to a stopped container ends at once; destroying an attach ends it', async () => {
    const engine = new FakeEngine();
    const running = await engine.createAndStart(sandboxSpec());
    const stopped = await engine.createAndStart(sandboxSpec());
    await engine.kill(stopped);
    await expect((await engine.attach(stopped, () => {})).ended).resolves.toBeUndefined();
    const a = await engine.attach(running, () => {});
    a.destroy();
    await expect(a.ended).resolves.toBeUndefined();
    expect(engine.container(running)!.state).toBe('running');
  });

  it('fails or hangs the next calls it is told to, and creates as createRule says', async () => {
    const engine = new FakeEngine();
    engine.failNext('listManaged', new EngineUnavailableError('down'));
    await expect(engine.listManaged()).rejects.toThrow('down');
    await expect(engine.listManaged()).resolves.toEqual([]);
    engine.createRule = (spec) =>
      spec.Image === 'missing' ? new Error('no image') : spec.Image === 'slow' ? 'hang' : undefined;
    await expect(engine.createAndStart({ Image: 'missing' })).rejects.toThrow('no image');
    let settled = false;
    void engine.createAndStart({ Image: 'slow' }).finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(settled).toBe(false);
    expect(engine.containers()).toEqual([]);
    expect(engine.calls.createAndStart).toBe(2);
  });

  it('a create that takes createMs lists its container from the call on', async () => {
    const engine = new FakeEngine();
    engine.createMs = 500;
    let id: string | undefined;
    void engine.createAndStart(sandboxSpec()).then((x) => (id = x));
    await vi.advanceTimersByTimeAsync(499);
    expect(id).toBeUndefined();
    expect(await engine.listManaged()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(id).toBe(engine.containers()[0].id);
  });

  it('decodes what encodeJob writes', () => {
    const d = decodeJob(encodeJob({ ...job, compile: ['mcs', 'a.cs'] }));
    expect(d).toMatchObject({
      nonce: 'ab12',
      outputLimitBytes: 1000,
      compile: ['mcs', 'a.cs'],
      run: ['mono', 'a.exe'],
    });
    expect(d.stdin.toString()).toBe('in\n');
    expect(d.files['a.cs']).toEqual({ mode: '644', content: Buffer.from('class A {}') });
    expect(decodeJob(encodeJob(job)).compile).toBeUndefined();
    // What a warm compiler made keeps its mode: an executable stays one.
    const built = decodeJob(encodeJob({ ...job, files: { main: { content: Buffer.from([0x7f]), mode: 0o755 } } }));
    expect(built.files).toEqual({ main: { mode: '755', content: Buffer.from([0x7f]) } });
    expect(() => decodeJob(Buffer.concat([encodeJob(job), Buffer.from('x')]))).toThrow();
  });

  it('the simulated agent answers the job after its delay, in frames the core reads, then exits', async () => {
    const engine = new FakeEngine({ sandbox: agents.printThenExit('hello', 3, 10) });
    const id = await engine.createAndStart(sandboxSpec());
    const { attached, frames } = await attachAgent(engine, id);
    attached.write(encodeJob(job));
    attached.endInput();
    await vi.advanceTimersByTimeAsync(9);
    expect(frames).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(frames.map(([t]) => t)).toEqual(['S', 'o', 'R']);
    expect(frames[1][1]).toBe('hello');
    expect(parseReport(Buffer.from(frames[2][1]), 'ab12').exitCode).toBe(3);
    await expect(attached.ended).resolves.toBeUndefined();
    expect(engine.container(id)!.exitCode).toBe(3);
  });

  it('an agent printing forever stops when the container is killed; one that never answers sends nothing', async () => {
    const engine = new FakeEngine({ sandbox: agents.printForever('y', 1) });
    const loud = await engine.createAndStart(sandboxSpec());
    engine.behaviours.sandbox = agents.neverAnswer();
    const quiet = await engine.createAndStart(sandboxSpec());
    const a = await attachAgent(engine, loud);
    const b = await attachAgent(engine, quiet);
    for (const x of [a, b]) x.attached.write(encodeJob(job));
    for (const x of [a, b]) x.attached.endInput();
    await vi.advanceTimersByTimeAsync(100);
    expect(a.frames.filter(([t]) => t === 'o').length).toBe(100);
    await engine.kill(loud);
    const seen = a.frames.length;
    await vi.advanceTimersByTimeAsync(100);
    expect(a.frames.length).toBe(seen);
    expect(b.frames).toEqual([]);
  });

  it('an agent that exits before the job starts ends its container with no frame', async () => {
    const engine = new FakeEngine({ sandbox: agents.exitBeforeStart(5) });
    const id = await engine.createAndStart(sandboxSpec());
    const { attached, frames } = await attachAgent(engine, id);
    await vi.advanceTimersByTimeAsync(5);
    await expect(attached.ended).resolves.toBeUndefined();
    expect(frames).toEqual([]);
  });

  it('the simulated compiler answers each request after its delay, or crashes by ending its stream', async () => {
    const engine = new FakeEngine({
      compiler: fakeCompiler((source) =>
        source === 'boom' ? { crashAfterMs: 3, stderr: 'Stack overflow' } : { afterMs: 20, messages: 'ok' },
      ),
    });
    const id = await engine.createAndStart(compilerCreateOptions('img', 'csharp', ['srv'], testLimits, testOwner));
    const responses: CompileResponse[] = [];
    let stderr = '';
    const reader = new ResponseReader((r) => responses.push(r));
    const attached = await engine.attach(id, (s, p) => (s === 'stdout' ? reader.push(p) : (stderr += p)));
    attached.write(encodeRequest([{ path: 'main.cs', content: 'class A {}' }]));
    await vi.advanceTimersByTimeAsync(19);
    expect(responses).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(responses).toEqual([
      {
        exitCode: 0,
        messages: 'ok',
        artifacts: [{ path: 'main.exe', mode: 0o644, content: Buffer.from('asm:class A {}') }],
      },
    ]);
    attached.write(encodeRequest([{ path: 'main.cs', content: 'boom' }]));
    await vi.advanceTimersByTimeAsync(3);
    await expect(attached.ended).resolves.toBeUndefined();
    expect(stderr).toBe('Stack overflow');
    expect(engine.container(id)!.state).toBe('exited');
  });
});
