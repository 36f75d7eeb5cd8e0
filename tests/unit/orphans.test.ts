import { describe, expect, it } from 'vitest';
import { findOrphans } from '@/lib/pool/housekeeping';

const c = (id: string, ageMs: number) => ({ id, labels: {}, state: 'running', createdAt: 1_000_000 - ageMs });

describe('findOrphans', () => {
  it('finds old containers no pool holds, and spares held or young ones', () => {
    const list = [c('held', 120_000), c('old', 120_000), c('young', 5_000)];
    expect(findOrphans(list, new Set(['held']), 1_000_000)).toEqual(['old']);
  });
});
