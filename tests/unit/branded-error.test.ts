import { describe, expect, it } from 'vitest';
import { brandedError } from '@/lib/util/branded-error';

describe('brandedError', () => {
  it('matches instanceof across separate copies of the same class', () => {
    const CopyA = brandedError('GoneError');
    const CopyB = brandedError('GoneError');
    const Other = brandedError('OtherError');
    const e = new CopyA('gone', { cause: 'x' });
    expect(e).toBeInstanceOf(CopyB);
    expect(e).not.toBeInstanceOf(Other);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('GoneError');
    expect(e.cause).toBe('x');
    expect(new Error('plain')).not.toBeInstanceOf(CopyA);
  });
});
