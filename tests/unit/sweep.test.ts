import { describe, expect, it } from 'vitest';
import { isLeftover } from '@/lib/pool/sweep';

const me = { instanceId: 'me', hostname: 'box', pid: 100 };
const labels = (instance: string, host: string, pid: number) => ({
  'webcompile.instance': instance,
  'webcompile.host': host,
  'webcompile.pid': String(pid),
});

describe('isLeftover', () => {
  it('keeps our own containers', () => {
    expect(isLeftover(labels('me', 'box', 100), me, () => true)).toBe(false);
  });
  it('removes those of a dead process on this host', () => {
    expect(isLeftover(labels('old', 'box', 42), me, () => false)).toBe(true);
  });
  it('keeps those of another live instance on this host', () => {
    expect(isLeftover(labels('other', 'box', 42), me, () => true)).toBe(false);
  });
  it('keeps those of another host', () => {
    expect(isLeftover(labels('other', 'elsewhere', 42), me, () => false)).toBe(false);
  });
  it('removes an earlier instance of this very process, and unowned ones', () => {
    expect(isLeftover(labels('earlier', 'box', 100), me, () => true)).toBe(true);
    expect(isLeftover({}, me, () => true)).toBe(true);
  });
});
