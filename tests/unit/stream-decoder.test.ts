import { describe, expect, it } from 'vitest';
import { StreamDecoder } from '@/lib/core/text';

describe('StreamDecoder', () => {
  it('decodes a character split between chunks once its rest arrives', () => {
    const d = new StreamDecoder();
    const bytes = Buffer.from('ä€', 'utf8'); // 2 + 3 bytes
    expect([d.push(bytes.subarray(0, 1)), d.push(bytes.subarray(1, 3)), d.push(bytes.subarray(3))]).toEqual([
      '',
      'ä',
      '€',
    ]);
  });

  it('drops a leading byte-order mark even when it arrives byte by byte, and no later one', () => {
    const d = new StreamDecoder();
    const bom = Buffer.from('\uFEFF', 'utf8');
    const out = [...bom].map((b) => d.push(Buffer.from([b])));
    expect(out.join('') + d.push(Buffer.from('x\uFEFF'))).toBe('x\uFEFF');
  });
});
