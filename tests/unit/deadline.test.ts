import { describe, expect, it, vi } from 'vitest';
import { EngineUnavailableError } from '@/lib/engine/engine';
import { withDeadline } from '@/lib/engine/docker-engine';

const after = <T>(ms: number, value: T) => new Promise<T>((r) => setTimeout(() => r(value), ms));

describe('withDeadline', () => {
  it('passes an answer that comes in time, and never calls onLate', async () => {
    vi.useFakeTimers();
    try {
      const late: string[] = [];
      const call = withDeadline(after(5, 'ok'), 200, 'create', (v) => late.push(v));
      await vi.advanceTimersByTimeAsync(5);
      await expect(call).resolves.toBe('ok');
      await vi.advanceTimersByTimeAsync(1000); // well past the deadline
      expect(late).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects a late answer as an unavailable engine, and hands it to onLate when it comes', async () => {
    const late: string[] = [];
    let arrived!: () => void;
    const came = new Promise<void>((r) => (arrived = r));
    const call = withDeadline(after(60, 'container-1'), 10, 'create', (v) => {
      late.push(v);
      arrived();
    });
    await expect(call).rejects.toBeInstanceOf(EngineUnavailableError);
    expect(late).toEqual([]);
    await came;
    expect(late).toEqual(['container-1']);
  });

  it('does not call onLate when the late call fails', async () => {
    const late: unknown[] = [];
    const failing = new Promise((_, reject) => setTimeout(() => reject(new Error('engine said no')), 30));
    await expect(withDeadline(failing, 5, 'create', (v) => late.push(v))).rejects.toBeInstanceOf(
      EngineUnavailableError,
    );
    await failing.catch(() => {});
    expect(late).toEqual([]);
  });
});
