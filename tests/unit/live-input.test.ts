// The stdin of an interactive run (lib/core/live-input.ts) and the live job's framing.
import { describe, expect, it } from 'vitest';
import { encodeJob } from '@/lib/core/agent-protocol';
import { InputLimitError, LiveInput } from '@/lib/core/live-input';

function sink() {
  const got: string[] = [];
  return { got, write: (b: Buffer) => got.push(b.toString()), end: () => got.push('<eof>') };
}

describe('LiveInput', () => {
  it('keeps what was written before the program was connected, then passes input on as it comes', () => {
    const input = new LiveInput(100);
    let activity = 0;
    input.onActivity = () => activity++;
    input.write('early\n');
    const s = sink();
    input.connect(s);
    expect(s.got).toEqual(['early\n']);
    input.write('late\n');
    input.end();
    input.write('after eof\n');
    expect(s.got).toEqual(['early\n', 'late\n', '<eof>']);
    expect(activity).toBe(1);
  });

  it('an end of input before the connection arrives after what was written', () => {
    const input = new LiveInput(100);
    input.write('a');
    input.end();
    const s = sink();
    input.connect(s);
    expect(s.got).toEqual(['a', '<eof>']);
  });

  it('refuses a chunk past the cap, whole', () => {
    const input = new LiveInput(5);
    const s = sink();
    input.connect(s);
    input.write('abc');
    expect(() => input.write('def')).toThrow(InputLimitError);
    input.write('de');
    expect(s.got).toEqual(['abc', 'de']);
  });

  it('detached from a sandbox (one found dead), input waits for the next', () => {
    const input = new LiveInput(100);
    const dead = sink();
    input.write('typed early\n');
    input.detach();
    input.write('x');
    input.end();
    const next = sink();
    input.connect(next);
    expect(dead.got).toEqual([]);
    expect(next.got).toEqual(['typed early\n', 'x', '<eof>']);
  });
});

describe('a live job', () => {
  const job = { nonce: 'ab', outputLimitBytes: 10, run: ['cat'], stdin: '', files: { 'a.txt': 'hi' } };

  it('is "wc3" and the rest of the job as one field, the rest being a wc2 job without its magic', () => {
    const plain = encodeJob(job);
    const live = encodeJob({ ...job, live: true });
    const rest = plain.subarray('3\nwc2'.length);
    expect(live.toString()).toBe(`3\nwc3${rest.length}\n${rest.toString()}`);
  });

  it('cannot carry stdin in the job', () => {
    expect(() => encodeJob({ ...job, stdin: 'x', live: true })).toThrow(/stdin/);
  });
});
