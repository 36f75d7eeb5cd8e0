// Bodies for the compile request parser's tests (lib/http/compile-request.ts).
import { expect } from 'vitest';
import { ApiError } from '@/lib/http/api-error';

/** A JSON POST of `body` to /api/compile. */
export function post(body: unknown): Request {
  return new Request('http://x/api/compile', {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
}

/** The status and ErrorString a parse is refused with (it must be refused with an ApiError). */
export async function refusalOf(parsing: Promise<unknown>): Promise<[number, string]> {
  const e = await parsing.then(
    () => new Error('accepted'),
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  return [(e as ApiError).status, (e as ApiError).message];
}
