import { describe, expect, it } from 'vitest';
import { AgentStream } from '@/lib/runner/agent-stream';

const N = '__wc_0123456789abcdef';

function feedAll(s: AgentStream, parts: ['stdout' | 'stderr', string][], chunk = Infinity) {
  for (const [stream, text] of parts) {
    const b = Buffer.from(text);
    for (let i = 0; i < b.length; i += chunk) s.push(stream, b.subarray(i, Math.min(b.length, i + chunk)));
  }
}

const compiled = (out: string, exit = 0) => `\n${N} C ${exit} 0.11 0.08 0.02 30000 0 0 ${Buffer.byteLength(out)}\n${out}`;
const ran = (exit = 0, oom = 0, pids = 0) => `\n${N} R ${exit} 0.01 0.01 0.00 16000 ${oom} ${pids}\n`;

describe('AgentStream', () => {
  it.each([1, 2, 3, 7, Infinity])('reads a compile and run job in chunks of %s bytes', (chunk) => {
    const events: string[] = [];
    const s = new AgentStream(N, 1000, true, {
      onCompiled: (st) => events.push(`compiled:${st.exitCode}:${st.cpuTimeMs}`),
      onFinished: () => events.push('finished'),
    });
    feedAll(
      s,
      [
        ['stderr', compiled('main.cs(1,2): warning CS0168: unused\n')],
        ['stdout', 'Sum: 499500\n'],
        ['stderr', 'to stderr'],
        ['stdout', `\n${N}\n`],
        ['stderr', ran(0)],
      ],
      chunk,
    );
    s.end();
    const r = s.result();
    expect(events).toEqual(['compiled:0:100', 'finished']);
    expect(r.compile?.output).toBe('main.cs(1,2): warning CS0168: unused\n');
    expect(r.stdout.toString()).toBe('Sum: 499500\n');
    expect(r.stderr.toString()).toBe('to stderr');
    expect(r.run).toMatchObject({ exitCode: 0, maxRssKb: 16000, wallMs: 10 });
    expect(r.truncated).toBe(false);
  });

  it('finishes after a failed compile without a run', () => {
    let finished = false;
    const s = new AgentStream(N, 1000, true, { onFinished: () => (finished = true) });
    feedAll(s, [['stderr', compiled('main.cs(1,36): error CS0029: no\n', 1)]]);
    expect(finished).toBe(true);
    expect(s.result().compile?.stats.exitCode).toBe(1);
    expect(s.result().run).toBeNull();
  });

  it('handles an empty compiler output', () => {
    const compiledAt: number[] = [];
    const s = new AgentStream(N, 1000, true, { onCompiled: (st) => compiledAt.push(st.exitCode) });
    feedAll(s, [['stderr', compiled('')]]);
    expect(compiledAt).toEqual([0]);
  });

  it('needs both the stdout end and the run report to finish, in either order', () => {
    let finished = false;
    const s = new AgentStream(N, 1000, false, { onFinished: () => (finished = true) });
    feedAll(s, [['stderr', ran(3)]]);
    expect(finished).toBe(false);
    feedAll(s, [['stdout', `bye\n${N}\n`]]);
    expect(finished).toBe(true);
    expect(s.result()).toMatchObject({ run: { exitCode: 3 } });
    expect(s.result().stdout.toString()).toBe('bye');
  });

  it('does not take a look-alike line for a report', () => {
    const s = new AgentStream(N, 1000, false);
    feedAll(s, [['stdout', `\n__wc_guess\n${N.slice(0, 10)}\n`]]);
    s.end();
    expect(s.result().stdout.toString()).toBe(`\n__wc_guess\n${N.slice(0, 10)}\n`);
    expect(s.result().sawReport).toBe(false);
  });

  it('caps each program stream and reports the overflow with the bytes received', () => {
    const seen: number[] = [];
    const s = new AgentStream(N, 10, false, { onOverflow: (_st, n) => seen.push(n) });
    feedAll(s, [['stdout', 'x'.repeat(25)]], 5);
    s.end();
    const r = s.result();
    expect(r.stdout.toString()).toBe('x'.repeat(10));
    expect(r.received.stdout).toBe(25);
    expect(r.truncated).toBe(true);
    expect(seen.at(-1)).toBe(25);
  });

  it('keeps output that is not valid UTF-8 as bytes', () => {
    const s = new AgentStream(N, 100, false);
    s.push('stdout', Buffer.from([0x41, 0xff, 0x42]));
    s.end();
    expect(s.result().stdout.toString('utf8')).toBe('A\uFFFDB');
  });

  it('keeps what the agent said before the job as a log', () => {
    const s = new AgentStream(N, 100, true);
    feedAll(s, [['stderr', 'tar: bad archive\n']]);
    s.end();
    expect(s.result().agentLog).toContain('tar: bad archive');
    expect(s.result().stderr.length).toBe(0);
  });

  it('does not hold back an endless line that starts like a report', () => {
    const seen: number[] = [];
    const s = new AgentStream(N, 1000, false, { onOverflow: (_st, n) => seen.push(n) });
    s.push('stdout', Buffer.from(`\n${N} `));
    for (let i = 0; i < 100; i++) s.push('stdout', Buffer.alloc(1000, 0x78));
    expect(seen.length).toBeGreaterThan(0); // the cap still sees the bytes as they come
    expect(seen.at(-1)!).toBeGreaterThan(90_000);
    s.end();
    expect(s.result().stdout.length).toBe(1000);
  });

  it('ignores a compile report in a job without a compile step', () => {
    const s = new AgentStream(N, 1000, false);
    feedAll(s, [['stderr', `\n${N} C 0 0 0 0 0 0 0 999999999\nafter`], ['stdout', `out\n${N}\n`], ['stderr', ran(0)]]);
    s.end();
    const r = s.result();
    expect(r.compile).toBeNull();
    expect(r.stderr.toString()).toBe('after');
    expect(s.finished).toBe(true);
  });

  it('takes the start report as proof that the job began', () => {
    const s = new AgentStream(N, 1000, false);
    feedAll(s, [['stderr', `\n${N} S\n`]]);
    expect(s.result().sawReport).toBe(true);
    expect(s.finished).toBe(false);
  });
});

