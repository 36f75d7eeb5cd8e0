// The run's limits as the core applies them: the time limit and the output cap each end the run by
// killing the sandbox's container, and the verdict says which limit it was.

import { describe, expect, it, vi } from 'vitest';
import { chunks, makeCore, printAndHang, startAndRun, useFakeTimers } from './helpers/core-fixture';

describe('Executor limits', () => {
  useFakeTimers();

  it('a run past its time limit: the container is killed at the limit, status timeout, the message names the limit, earlier output kept', async () => {
    const core = makeCore({ agent: printAndHang('before the limit\n') });
    const kill = vi.spyOn(core.engine, 'kill');
    await core.start();
    const s = core.submit(core.request('python', 'while True: pass', { limits: { timeoutMs: 1000 } }));
    await vi.advanceTimersByTimeAsync(999);
    expect(s.outcome.settled).toBe(false);
    expect(kill).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(kill).toHaveBeenCalledWith(core.jobs[0].id);
    const result = await s.promise;
    expect(result).toMatchObject({
      status: 'timeout',
      timedOut: true,
      message: 'Execution stopped: it ran longer than 1000 ms.',
      run: { stdout: 'before the limit\n', exitCode: null },
    });
  });

  it('output past the cap: status output_limit, truncated, only the cap of bytes kept (result and events), the container killed', async () => {
    const core = makeCore({
      config: { outputLimitBytes: 100 },
      agent: (a) =>
        a.after(0, () => {
          a.started();
          a.after(1, () => a.stdout('y\n'), true);
        }),
    });
    const kill = vi.spyOn(core.engine, 'kill');
    const s = await startAndRun(core, core.request('python', 'while True: print("y")'), 1000);
    const result = await s.promise;
    expect(result).toMatchObject({
      status: 'output_limit',
      truncated: true,
      timedOut: false,
      message: 'Execution stopped: output passed the 100-byte limit.',
    });
    expect(result.run!.stdout).toBe('y\n'.repeat(50));
    expect(chunks(s.events, 'stdout').join('')).toBe('y\n'.repeat(50));
    expect(kill).toHaveBeenCalledWith(core.jobs[0].id);
  });
});
