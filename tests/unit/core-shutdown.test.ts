// Requests the core refuses before any work: after close() (shutting down), and for a language it
// does not run; a request already running when close() is called still gets its answer.

import { describe, expect, it, vi } from 'vitest';
import { ExecutionError } from '@/lib/core/errors';
import { makeCore, printAndExit, useFakeTimers } from './helpers/core-fixture';

describe('Executor shutdown and refusals', () => {
  useFakeTimers();

  it('after close(), execute rejects with shutting_down and no sandbox is used', async () => {
    const core = makeCore();
    await core.start();
    core.executor.close();
    await expect(core.executor.execute(core.request('python'))).rejects.toMatchObject({ reason: 'shutting_down' });
    expect(core.executor.shuttingDown).toBe(true);
    expect(core.jobs).toEqual([]);
  });

  it('a request already running when close() is called finishes with its result', async () => {
    const core = makeCore({ agent: printAndExit('done\n', 500) });
    await core.start();
    const s = core.submit(core.request('python'));
    await vi.advanceTimersByTimeAsync(100);
    core.executor.close();
    expect(core.executor.inFlight).toBe(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(s.outcome.result).toMatchObject({ status: 'ok', run: { stdout: 'done\n' } });
    expect(core.executor.inFlight).toBe(0);
  });

  it('an unknown language rejects with unknown_language, naming the enabled languages in details', async () => {
    const core = makeCore();
    const rejected = core.executor.execute(core.request('cobol'));
    await expect(rejected).rejects.toBeInstanceOf(ExecutionError);
    await expect(rejected).rejects.toMatchObject({
      reason: 'unknown_language',
      details: { languages: ['python', 'c', 'csharp'] },
    });
  });
});
