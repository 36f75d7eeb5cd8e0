import { describe, expect, it } from 'vitest';
import { Demuxer } from '@/lib/docker/demux';

function frame(type: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(payload.length, 4);
  return Buffer.concat([h, payload]);
}

describe('Demuxer', () => {
  it('separates stdout and stderr frames', () => {
    const d = new Demuxer(1000);
    d.push(Buffer.concat([frame(1, 'out1 '), frame(2, 'err'), frame(1, 'out2')]));
    const r = d.result();
    expect(r.stdout.toString()).toBe('out1 out2');
    expect(r.stderr.toString()).toBe('err');
    expect(r.truncated).toBe(false);
  });

  it('handles frames split at every byte boundary', () => {
    const all = Buffer.concat([frame(1, 'hello'), frame(2, 'world'), frame(1, '!')]);
    for (let cut = 1; cut < all.length; cut++) {
      const d = new Demuxer(1000);
      d.push(all.subarray(0, cut));
      d.push(all.subarray(cut));
      expect(d.result().stdout.toString()).toBe('hello!');
      expect(d.result().stderr.toString()).toBe('world');
    }
  });

  it('feeds one byte at a time', () => {
    const all = Buffer.concat([frame(1, 'abc'), frame(2, 'de')]);
    const d = new Demuxer(1000);
    for (const b of all) d.push(Buffer.from([b]));
    expect(d.result().stdout.toString()).toBe('abc');
  });

  it('caps each stream, counts the rest and reports every frame past the cap', () => {
    const hits: string[] = [];
    const d = new Demuxer(10, (s, n) => hits.push(`${s}:${n}`));
    d.push(frame(1, '0123456789ABCDEF'));
    d.push(frame(1, 'more'));
    const r = d.result();
    expect(r.stdout.toString()).toBe('0123456789');
    expect(r.received.stdout).toBe(20);
    expect(r.truncated).toBe(true);
    expect(hits).toEqual(['stdout:16', 'stdout:20']);
  });

  it('keeps a reserve on stderr for the server trailer', () => {
    const d = new Demuxer(4, undefined, 6);
    d.push(frame(2, '0123456789'));
    expect(d.result().stderr.toString()).toBe('0123456789');
    expect(d.result().truncated).toBe(false);
  });
});
