import { describe, expect, it } from 'vitest';
import { FrameSplitter, type StreamName } from '@/lib/engine/demux';
import { frame } from './helpers/frames';

function collect() {
  const got: Record<StreamName, string> = { stdout: '', stderr: '' };
  const s = new FrameSplitter((stream, p) => (got[stream] += p.toString()));
  return { s, got };
}

describe('FrameSplitter', () => {
  it('separates stdout and stderr frames', () => {
    const { s, got } = collect();
    s.push(Buffer.concat([frame(1, 'out1 '), frame(2, 'err'), frame(1, 'out2')]));
    expect(got).toEqual({ stdout: 'out1 out2', stderr: 'err' });
  });

  it('handles frames split at every byte boundary', () => {
    const all = Buffer.concat([frame(1, 'hello'), frame(2, 'world'), frame(1, '!')]);
    for (let cut = 1; cut < all.length; cut++) {
      const { s, got } = collect();
      s.push(all.subarray(0, cut));
      s.push(all.subarray(cut));
      expect(got).toEqual({ stdout: 'hello!', stderr: 'world' });
    }
  });

  it('takes one byte at a time', () => {
    const { s, got } = collect();
    for (const b of Buffer.concat([frame(1, 'abc'), frame(2, 'de'), frame(1, '')])) s.push(Buffer.from([b]));
    expect(got).toEqual({ stdout: 'abc', stderr: 'de' });
  });
});
