// A compile-time check that a zod schema and the TypeScript type it describes agree, for the types
// that were written before their schemas: each must be assignable to the other, so a field added
// to (or changed in) one and not the other fails the type check.

/** `true` when A and B are assignable to each other, else `false`. */
export type Agree<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Compiles only for `true`: `agree<Agree<MyType, z.output<typeof mySchema>>>()`. Does nothing at run time. */
export function agree<T extends true>(): T | void {}
