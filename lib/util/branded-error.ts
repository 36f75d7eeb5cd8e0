// Next.js bundles each route (and instrumentation.ts) separately, so one module can exist in several
// copies in one process, each with its own classes: an error made by the pool that instrumentation
// started would fail `instanceof` against a route's copy of the class. Branded errors compare a
// string brand instead, so `instanceof` works across copies.

export function brandedError(brand: string) {
  return class BrandedError extends Error {
    static readonly brand = brand;
    readonly brand = brand;

    constructor(message: string, options?: { cause?: unknown }) {
      super(message, options);
      this.name = brand;
    }

    static [Symbol.hasInstance](value: unknown): boolean {
      return typeof value === 'object' && value !== null && (value as { brand?: unknown }).brand === brand;
    }
  };
}
