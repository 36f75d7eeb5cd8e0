import { describe, expect, it } from 'vitest';
import { ExecutionError, type RejectionReason } from '@/lib/core/errors';
import { ApiError } from '@/lib/http/api-error';
import { REASON_STATUS } from '@/lib/http/reasons';

describe('reason → HTTP status', () => {
  const expected: Record<RejectionReason, [number, string | null]> = {
    unknown_language: [400, null],
    invalid_request: [400, null],
    busy: [503, '2'],
    queue_full: [503, '2'],
    engine_unavailable: [503, '2'],
    compiler_unavailable: [503, '2'],
    shutting_down: [503, '2'],
    sandbox_failed: [502, null],
    client_gone: [499, null],
  };

  it('has one entry for every reason', () => {
    expect(Object.keys(REASON_STATUS).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s answers %j with the reason in the body', async (reason, [status, retry]) => {
    const res = ApiError.fromExecution(
      new ExecutionError(reason as RejectionReason, 'said safely', { cause: new Error('raw engine text') }),
    ).toResponse();
    expect(res.status).toBe(status);
    expect(res.headers.get('retry-after')).toBe(retry);
    const body = await res.json();
    expect(body).toEqual({ ErrorString: 'said safely', Reason: reason });
  });

  it('shows the languages there are for an unknown one', async () => {
    const e = new ExecutionError('unknown_language', 'unknown language "x"', {
      details: { languages: ['csharp', 'python'] },
    });
    expect(await ApiError.fromExecution(e).toResponse().json()).toEqual({
      ErrorString: 'unknown language "x"',
      Reason: 'unknown_language',
      Languages: ['csharp', 'python'],
    });
  });
});
