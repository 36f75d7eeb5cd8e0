// A promise raced against a timer, without cancelling it (the caller decides what a late answer means).

export const TIMED_OUT = Symbol('timed out');

/** `p`'s outcome, or TIMED_OUT when it has not settled within `ms` (`p` itself runs on). */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
