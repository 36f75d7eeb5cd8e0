// How the shared compile cache stores a compile in Redis: length-prefixed fields that read back to
// the same answer byte for byte, and anything else (cut short, extra bytes, a bad path or mode) refused.

import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry, MalformedEntryError } from '@/lib/cluster/shared-compile-cache';
import type { CompileResponse } from '@/lib/compiler/protocol';
import { decodeFields, encodeFields, MalformedFieldError } from '@/lib/util/fields';

const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const response: CompileResponse = {
  exitCode: 0,
  messages: 'warning CS0168: ünused\n',
  artifacts: [
    { path: 'main.exe', mode: 0o755, content: everyByte },
    { path: 'lib/a b.dll', mode: 0o644, content: Buffer.alloc(0) },
  ],
};

describe('decodeFields', () => {
  it('splits a buffer of whole fields, empty ones and newlines inside fields included', () => {
    const fields = decodeFields(encodeFields(['a', '', 'x\ny', everyByte]));
    expect(fields.map((f) => f.toString('latin1'))).toEqual(['a', '', 'x\ny', everyByte.toString('latin1')]);
    expect(decodeFields(Buffer.alloc(0))).toEqual([]);
  });

  it('refuses a field cut short, a header with no newline or no number, and a header alone', () => {
    const whole = encodeFields(['abc']);
    for (const bad of [whole.subarray(0, whole.length - 1), Buffer.from('3'), Buffer.from('x\n'), Buffer.from('3\n')]) {
      expect(() => decodeFields(bad)).toThrow(MalformedFieldError);
    }
    expect(() => decodeFields(Buffer.from('12345678901\n'))).toThrow(MalformedFieldError);
  });
});

describe('a stored compile', () => {
  it('reads back to the same answer, binary artifacts byte for byte', () => {
    const back = decodeEntry(encodeEntry(response));
    expect(back).toEqual(response);
    expect(Buffer.compare(back.artifacts[0].content, everyByte)).toBe(0);
    expect(decodeEntry(encodeEntry({ exitCode: 1, messages: 'error', artifacts: [] }))).toEqual({
      exitCode: 1,
      messages: 'error',
      artifacts: [],
    });
  });

  it('is refused when it is anything else', () => {
    const good = encodeEntry(response);
    const fields = (over: Record<number, string>) => {
      const f: (string | Buffer)[] = decodeFields(good);
      for (const [i, v] of Object.entries(over)) f[Number(i)] = v;
      return encodeFields(f);
    };
    const bad = [
      good.subarray(0, good.length - 1),
      Buffer.concat([good, Buffer.from('0\n')]),
      Buffer.from('not a compile'),
      Buffer.alloc(0),
      fields({ 0: 'wcs0' }),
      fields({ 1: '256' }),
      fields({ 1: '-1' }),
      fields({ 3: '3' }),
      fields({ 4: '../main.exe' }),
      fields({ 4: '/etc/passwd' }),
      fields({ 5: '4755' }),
      fields({ 5: 'rwx' }),
    ];
    for (const b of bad) expect(() => decodeEntry(b)).toThrow(MalformedEntryError);
  });
});
