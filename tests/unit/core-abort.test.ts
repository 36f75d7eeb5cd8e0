// A client that goes away: before its request holds a sandbox it is refused (client_gone); while its
// program runs, the run is cancelled and its sandbox killed and removed.

import { describe, expect, it, vi } from 'vitest';
import { ExecutionError } from '@/lib/core/errors';
import { makeCore, printAndHang, submitAborted, useFakeTimers, type Core } from './helpers/core-fixture';

/** A request of `client-a` that holds its turn and a sandbox until the run limit. */
async function holdOne(core: Core) {
  await core.start();
  const first = core.submit(core.request('python', 'hold'));
  await vi.advanceTimersByTimeAsync(10);
  return first;
}

/** A second request of `client`, aborted 10 ms after it was submitted, while it still waits. */
async function abortedSecond(core: Core, client: string) {
  const second = await submitAborted(core, core.request('python', 'second', { client }), 10);
  expect(core.jobs).toHaveLength(1);
  return second;
}

const clientGone = (e: unknown) => e instanceof ExecutionError && e.reason === 'client_gone';

describe('Executor and a client that goes away', () => {
  useFakeTimers();

  it('while it waits for its turn: rejects with client_gone and leaves the line', async () => {
    // A sandbox stays idle (the pool keeps two): only the turn is waited for.
    const core = makeCore({ agent: printAndHang(), config: { clientMaxInFlight: 1 } });
    await holdOne(core);
    const second = await abortedSecond(core, 'client-a');
    expect(second.outcome.error).toSatisfy(clientGone);
    expect(core.clientGate.waiting('client-a')).toBe(0);
  });

  it('while it waits for a sandbox: rejects with client_gone and leaves the pool queue', async () => {
    const core = makeCore({ agent: printAndHang(), pool: { size: 1, maxTotal: 1 } });
    await holdOne(core);
    const second = await abortedSecond(core, 'client-b');
    expect(second.outcome.error).toSatisfy(clientGone);
    expect(core.pools.get('python')!.stats().waiting).toBe(0);
  });

  it('while its warm compile runs: rejects with client_gone and no sandbox runs it', async () => {
    const core = makeCore({ compiler: () => ({ afterMs: 500 }) });
    await core.start();
    const s = await submitAborted(core, core.request('csharp'), 100);
    expect(s.outcome.error).toSatisfy(clientGone);
    await vi.advanceTimersByTimeAsync(1000);
    expect(core.jobs).toEqual([]);
  });

  it('while its program runs: the result is cancelled (with what it printed), the sandbox is killed and removed, and a fresh one takes its place', async () => {
    const core = makeCore({ agent: printAndHang('partial\n') });
    const kill = vi.spyOn(core.engine, 'kill');
    await core.start();
    const s = await submitAborted(core, core.request('python'), 100);
    await expect(s.promise).resolves.toMatchObject({
      status: 'cancelled',
      run: { stdout: 'partial\n', exitCode: null },
    });
    const [{ id }] = core.jobs;
    expect(kill).toHaveBeenCalledWith(id);
    expect(core.engine.container(id)).toBeUndefined();
    expect(core.pools.get('python')!.stats()).toMatchObject({ idle: 2, busy: 0, created: 3 });
  });
});
