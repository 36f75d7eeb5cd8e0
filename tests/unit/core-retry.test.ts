// Sandboxes found dead before the program ran are replaced without the client noticing, twice at the
// most; past that, and on any engine failure, the client gets engine_unavailable in our words, never
// the engine's (those go to the log, through the error's cause).

import { describe, expect, it, vi } from 'vitest';
import { ExecutionError } from '@/lib/core/errors';
import { ENGINE_UNAVAILABLE } from '@/lib/core/pool-errors';
import { EngineUnavailableError } from '@/lib/engine/engine';
import { makeCore, printAndExit, useFakeTimers, type AgentScript, type Core } from './helpers/core-fixture';

const ENGINE_TEXT = 'OCI runtime exec failed: unable to start container process';

/** The first `bad` sandboxes that get a job die before their start report, saying ENGINE_TEXT; the rest print "ok". */
function dyingFirst(bad: number): AgentScript {
  let jobs = 0;
  return (a, p) => {
    if (++jobs > bad) return printAndExit('ok')(a, p);
    a.after(1, () => {
      p.stderr(ENGINE_TEXT);
      p.exit(1);
    });
  };
}

async function runPython(core: Core) {
  const s = core.submit(core.request('python'));
  await vi.advanceTimersByTimeAsync(100);
  return s;
}

/** The outcome is engine_unavailable, with our message only; the engine's text (when given) is in the cause. */
function expectEngineUnavailable(error: unknown, engineText: string) {
  expect(error).toBeInstanceOf(ExecutionError);
  const e = error as ExecutionError;
  expect(e.reason).toBe('engine_unavailable');
  expect(e.message).toBe(ENGINE_UNAVAILABLE);
  expect(String((e.cause as Error).message)).toContain(engineText);
}

describe('Executor and sandboxes gone before the run', () => {
  useFakeTimers();

  it('a sandbox that exits before its start report is replaced by another: the result is ok', async () => {
    const core = makeCore({ agent: dyingFirst(1) });
    await core.start();
    const s = await runPython(core);
    expect(s.outcome.result).toMatchObject({ status: 'ok', run: { stdout: 'ok' } });
    const [dead, used] = core.jobs.map((j) => j.id);
    expect(used).not.toBe(dead);
    expect(core.engine.container(dead)).toBeUndefined();
  });

  it('sandboxes killed from outside before the job are replaced, up to the two retries: the third one runs it', async () => {
    const core = makeCore({ pool: { size: 3 }, languages: ['python'] });
    await core.start();
    const killed = core.heldSandboxes().slice(0, 2);
    for (const id of killed) core.engine.killFromOutside(id);
    const s = await runPython(core);
    expect(s.outcome.result).toMatchObject({ status: 'ok', run: { stdout: 'hello\n' } });
    expect(core.engine.calls.attach).toBe(3);
    expect(core.jobs).toHaveLength(1);
    expect(killed).not.toContain(core.jobs[0].id);
    for (const id of killed) expect(core.engine.container(id)).toBeUndefined();
  });

  it('a third sandbox gone before the run rejects with engine_unavailable, without the engine text', async () => {
    const core = makeCore({ agent: dyingFirst(3), pool: { size: 3 } });
    await core.start();
    const s = await runPython(core);
    expectEngineUnavailable(s.outcome.error, ENGINE_TEXT);
    expect(new Set(core.jobs.map((j) => j.id)).size).toBe(3);
  });

  it('an engine that cannot be reached during the run rejects at once with engine_unavailable, without its own words', async () => {
    const core = makeCore({ languages: ['python'] });
    await core.start();
    core.engine.failNext('attach', new EngineUnavailableError('connect ECONNREFUSED /var/run/docker.sock'));
    const s = await runPython(core);
    expectEngineUnavailable(s.outcome.error, 'ECONNREFUSED');
    expect(core.engine.calls.attach).toBe(1);
  });

  it('sandboxes that cannot be created reject with engine_unavailable, without the engine text', async () => {
    const core = makeCore();
    core.engine.createRule = () => new Error('Cannot connect to the Docker daemon at unix:///var/run/docker.sock');
    await core.start();
    const s = await runPython(core);
    expectEngineUnavailable(s.outcome.error, 'Docker daemon');
  });

  it('an agent that breaks its protocol rejects with sandbox_failed, without what the agent said', async () => {
    const core = makeCore({ agent: (a) => a.after(1, () => a.fail('wc-agent: cannot mount /work')) });
    await core.start();
    const s = await runPython(core);
    expect(s.outcome.error).toMatchObject({
      reason: 'sandbox_failed',
      message: 'the sandbox failed unexpectedly; try again',
    });
    expect(core.jobs).toHaveLength(1);
  });
});
