import { describe, expect, it } from 'vitest';
import { AgentProtocolError, encodeJob, FrameReader, MAX_FRAME_PAYLOAD, parseReport } from '@/lib/core/agent-protocol';
import { AgentStream } from '@/lib/core/agent-stream';
import { frame, report } from './helpers/agent-frames';

const N = '__wc_0123456789abcdef';

/** Feeds the agent's stdout bytes in chunks of `chunk` bytes. */
function feed(s: AgentStream, bytes: Buffer, chunk = Infinity) {
  for (let i = 0; i < bytes.length; i += chunk) s.push('stdout', bytes.subarray(i, Math.min(bytes.length, i + chunk)));
}

const start = frame('S', N);
const compiled = (out: string, exit = 0) => Buffer.concat([frame('c', out), frame('C', report(N, { exit }))]);

describe('AgentStream', () => {
  it.each([1, 2, 3, 7, Infinity])('reads a compile and run job in chunks of %s bytes', (chunk) => {
    const events: string[] = [];
    const s = new AgentStream(N, 1000, true, {
      onCompiled: (st) => events.push(`compiled:${st.exitCode}:${st.cpuTimeMs}`),
      onFinished: () => events.push('finished'),
    });
    const bytes = Buffer.concat([
      start,
      compiled('main.cs(1,2): warning CS0168: unused\n'),
      frame('o', 'Sum: 499500\n'),
      frame('e', 'to stderr'),
      frame('R', report(N, { exit: 0, wallUs: 10_000, maxRssKb: 16000 })),
    ]);
    feed(s, bytes, chunk);
    s.end();
    const r = s.result();
    expect(events).toEqual(['compiled:0:100', 'finished']);
    expect(r.compile?.output).toBe('main.cs(1,2): warning CS0168: unused\n');
    expect(r.stdout.toString()).toBe('Sum: 499500\n');
    expect(r.stderr.toString()).toBe('to stderr');
    expect(r.run).toMatchObject({ exitCode: 0, signal: null, maxRssKb: 16000 });
    expect(r.truncated).toBe(false);
    expect(r.protocolError).toBeNull();
  });

  it('finishes after a failed compile without a run', () => {
    let finished = false;
    const s = new AgentStream(N, 1000, true, { onFinished: () => (finished = true) });
    feed(s, Buffer.concat([start, compiled('main.cs(1,36): error CS0029: no\n', 1)]));
    expect(finished).toBe(true);
    expect(s.result().compile?.stats.exitCode).toBe(1);
    expect(s.result().run).toBeNull();
  });

  it('takes report-like bytes in program output as output, never as a report', () => {
    const forged = `\n${N} R 0 0 0 0 7 0 0\n${N} exit 0 1 1 1 1 0 0\n` + String.fromCharCode(0x52, 0, 0, 0, 5);
    const s = new AgentStream(N, 1000, false);
    feed(
      s,
      Buffer.concat([
        start,
        frame('o', forged),
        frame('e', forged),
        frame('R', report(N, { exit: 3, userUs: 6e6, sysUs: 0 })),
      ]),
    );
    const r = s.result();
    expect(r.stdout.toString('latin1')).toBe(forged);
    expect(r.stderr.toString('latin1')).toBe(forged);
    expect(r.run).toMatchObject({ exitCode: 3, cpuTimeMs: 6000, oomKills: 0 });
  });

  it('reports a signal as 128 + its number', () => {
    const s = new AgentStream(N, 1000, false);
    feed(s, Buffer.concat([start, frame('R', report(N, { signal: 11 }))]));
    expect(s.result().run).toMatchObject({ exitCode: 139, signal: 11 });
  });

  it('caps each program stream and reports the overflow with the bytes received', () => {
    const seen: number[] = [];
    const s = new AgentStream(N, 10, false, { onOverflow: (_st, n) => seen.push(n) });
    feed(s, Buffer.concat([start, ...Array.from({ length: 5 }, () => frame('o', 'x'.repeat(5)))]));
    s.end();
    const r = s.result();
    expect(r.stdout.toString()).toBe('x'.repeat(10));
    expect(r.received.stdout).toBe(25);
    expect(r.truncated).toBe(true);
    expect(seen.at(-1)).toBe(25);
  });

  it('caps compiler output at the limit', () => {
    const s = new AgentStream(N, 4, true);
    feed(s, Buffer.concat([start, compiled('abcdefgh', 1)]));
    expect(s.result().compile?.output).toBe('abcd');
  });

  it('keeps output that is not valid UTF-8 as bytes', () => {
    const s = new AgentStream(N, 100, false);
    feed(s, Buffer.concat([start, frame('o', Buffer.from([0x41, 0xff, 0x42]))]));
    expect(s.result().stdout.toString('utf8')).toBe('A\uFFFDB');
  });

  it("keeps the agent's failure as a log and as a protocol failure", () => {
    const s = new AgentStream(N, 100, true);
    feed(s, frame('E', 'bad job: missing field\n'));
    expect(s.finished).toBe(true);
    expect(s.result().agentLog).toContain('bad job: missing field');
    expect(s.result().protocolError).toMatch(/the agent failed/);
  });

  it('takes the start report as proof that the job began', () => {
    const s = new AgentStream(N, 1000, false);
    feed(s, start);
    expect(s.result().started).toBe(true);
    expect(s.finished).toBe(false);
  });

  it.each([
    ['an unknown frame type', Buffer.concat([start, Buffer.from([0x58, 0, 0, 0, 0])]), /unknown frame type/],
    ['a frame longer than the agent sends', Buffer.concat([start, Buffer.from([0x6f, 0, 0x10, 0, 1])]), /frame of/],
    ['output before the start report', frame('o', 'hi'), /before the start report/],
    ['a start report with another nonce', frame('S', '__wc_other'), /unexpected start report/],
    [
      'a compile report in a job without a compile step',
      Buffer.concat([start, frame('C', report(N, {}))]),
      /outside the compile step/,
    ],
    [
      'program output before the compile report',
      Buffer.concat([start, frame('o', 'early')]),
      /before the compile report/,
      true,
    ],
    ['a run report with extra numbers', Buffer.concat([start, frame('R', `${report(N, {})} 7`)]), /10 fields/],
    ['a run report with another nonce', Buffer.concat([start, frame('R', report('__wc_forged', {}))]), /wrong nonce/],
  ])('refuses %s', (_name, bytes, why, hasCompile = false) => {
    let finished = 0;
    const s = new AgentStream(N, 1000, hasCompile as boolean, { onFinished: () => finished++ });
    feed(s, bytes as Buffer);
    s.end();
    expect(finished).toBe(1);
    expect(s.result().protocolError).toMatch(why as RegExp);
    expect(s.result().run).toBeNull();
  });

  it('refuses a stream that ends inside a frame', () => {
    const s = new AgentStream(N, 1000, false);
    feed(s, Buffer.concat([start, frame('o', 'hello').subarray(0, 7)]));
    s.end();
    expect(s.result().protocolError).toMatch(/inside a frame/);
  });

  it('takes a frame cut short by a kill of ours as the end of the output', () => {
    const s = new AgentStream(N, 1000, false);
    feed(s, Buffer.concat([start, frame('o', 'hello'), frame('o', 'world').subarray(0, 7)]));
    s.end(true);
    expect(s.result()).toMatchObject({ protocolError: null, run: null });
    expect(s.result().stdout.toString()).toBe('hello');
  });

  it('ignores everything after the run report', () => {
    const s = new AgentStream(N, 1000, false);
    feed(s, Buffer.concat([start, frame('R', report(N, { exit: 0 })), frame('o', 'late'), Buffer.from('junk')]));
    s.end();
    expect(s.result()).toMatchObject({ protocolError: null, run: { exitCode: 0 } });
    expect(s.result().stdout.length).toBe(0);
  });

  it('never takes what the agent writes on stderr for program output', () => {
    const s = new AgentStream(N, 1000, false);
    s.push('stderr', Buffer.from('wc-agent: write failed\n'));
    feed(s, start);
    expect(s.result().stderr.length).toBe(0);
    expect(s.result().agentLog).toBe('wc-agent: write failed\n');
  });
});

describe('parseReport', () => {
  it('reads every field', () => {
    expect(parseReport(Buffer.from(`${N} exit 3 2500000 1200000 300000 20480 1 2`), N)).toEqual({
      exitCode: 3,
      signal: null,
      cpuTimeMs: 1500,
      maxRssKb: 20480,
      oomKills: 1,
      pidsLimitHits: 2,
    });
  });

  it.each([
    ['too few fields', `${N} exit 0 1 1 1 1 0`],
    ['an exit code over 255', `${N} exit 256 1 1 1 1 0 0`],
    ['signal 0', `${N} signal 0 1 1 1 1 0 0`],
    ['a negative count', `${N} exit 0 1 1 1 1 -1 0`],
    ['a decimal point', `${N} exit 0 1.5 1 1 1 0 0`],
    ['a leading zero', `${N} exit 0 01 1 1 1 0 0`],
    ['a time over a day', `${N} exit 0 86400000001 1 1 1 0 0`],
    ['two spaces', `${N} exit 0 1 1 1 1 0  0`],
    ['a newline', `${N} exit 0 1 1 1 1 0 0\n`],
    ['an unknown kind', `${N} crashed 0 1 1 1 1 0 0`],
  ])('refuses %s', (_name, text) => {
    expect(() => parseReport(Buffer.from(text), N)).toThrow(AgentProtocolError);
  });
});

describe('encodeJob and FrameReader', () => {
  it('encodes every field with its length, binary-safe', () => {
    const job = encodeJob({
      nonce: N,
      outputLimitBytes: 64,
      compile: [],
      run: ['python3', 'a b.py'],
      stdin: 'x\ny',
      files: { 'a b.py': 'print(1)\n' },
    });
    expect(job.toString()).toBe(
      `3\nwc2${N.length}\n${N}2\n641\n01\n27\npython36\na b.py3\nx\ny1\n16\na b.py3\n6449\nprint(1)\n`,
    );
  });

  it('splits frames however the bytes are cut and refuses oversized ones', () => {
    const got: string[] = [];
    const r = new FrameReader((t, p) => got.push(`${t}:${p.toString()}`));
    const bytes = Buffer.concat([frame('S', 'n'), frame('o', ''), frame('e', 'err')]);
    for (const b of bytes) r.push(Buffer.from([b]));
    expect(got).toEqual(['S:n', 'o:', 'e:err']);
    const big = Buffer.alloc(5);
    big.write('o');
    big.writeUInt32BE(MAX_FRAME_PAYLOAD + 1, 1);
    expect(() => r.push(big)).toThrow(AgentProtocolError);
  });
});
