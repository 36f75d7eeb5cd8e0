// Compiled programs by a hash of everything that decides the output: language, compiler image,
// compiler settings and the source files (paths and contents). Least recently used entries go first past the byte budget.

import { createHash } from 'node:crypto';
import { encodeFields } from '../util/fields';
import type { CompileResponse } from './protocol';

export function cacheKey(parts: (string | Buffer)[]): string {
  // Length-prefixed: no part's content can read as a boundary between two others.
  return createHash('sha256').update(encodeFields(parts)).digest('hex');
}

/**
 * A second tier behind this process's CompileCache, shared with other instances (Redis, in
 * lib/cluster). It is a cache, never a dependency: a lookup it cannot answer (down, slow, a stored
 * value that does not read) resolves to undefined, and neither method ever rejects.
 */
export interface SharedCompileCache {
  /** The stored compile, or undefined on a miss or any failure. */
  get(key: string): Promise<CompileResponse | undefined>;
  /** Stores it for the other instances; resolves once stored or given up. Callers need not wait. */
  set(key: string, value: CompileResponse): Promise<void>;
}

export class CompileCache {
  private readonly entries = new Map<string, CompileResponse>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): CompileResponse | undefined {
    const v = this.entries.get(key);
    if (!v) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, v);
    return v;
  }

  set(key: string, value: CompileResponse): void {
    const size = sizeOf(value);
    if (size > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= sizeOf(old);
      this.entries.delete(key);
    }
    this.entries.set(key, value);
    this.bytes += size;
    while (this.bytes > this.maxBytes) {
      const [k, v] = this.entries.entries().next().value!;
      this.entries.delete(k);
      this.bytes -= sizeOf(v);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }
}

function sizeOf(v: CompileResponse): number {
  return v.artifacts.reduce((n, a) => n + a.content.length + a.path.length + 64, Buffer.byteLength(v.messages) + 64);
}
