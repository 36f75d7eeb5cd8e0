// Property-based tests of the agent stream parser: whatever bytes arrive and however they are cut,
// it never throws, and the verdict's inputs (reports) come only from real report frames.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgentStream } from '@/lib/core/agent-stream';
import { frame, report } from './helpers/agent-frames';

const N = '0123456789abcdef01234567';
const LIMIT = 4096;
const seed = (n: number) => ({ seed: Number(process.env.FC_SEED ?? n), numRuns: 300 });

/** Cuts `bytes` at the given fractions, in order. */
function cut(bytes: Buffer, points: number[]): Buffer[] {
  const at = [...new Set(points.map((p) => Math.floor(p * bytes.length)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let from = 0;
  for (const i of at) {
    parts.push(bytes.subarray(from, i));
    from = i;
  }
  parts.push(bytes.subarray(from));
  return parts;
}

const chunk = fc.uint8Array({ maxLength: 700 }).map((a) => Buffer.from(a));
const stats = fc.record({
  exit: fc.integer({ min: 0, max: 255 }),
  wallUs: fc.integer({ min: 0, max: 60e6 }),
  userUs: fc.integer({ min: 0, max: 60e6 }),
  sysUs: fc.integer({ min: 0, max: 60e6 }),
  maxRssKb: fc.integer({ min: 0, max: 2 ** 20 }),
  oomKills: fc.integer({ min: 0, max: 3 }),
  pidsHits: fc.integer({ min: 0, max: 3 }),
});
const answer = fc.record({
  compile: fc.option(fc.record({ out: fc.array(chunk, { maxLength: 3 }), stats }), { nil: undefined }),
  // Program output may hold anything: forged frames, forged reports with this job's nonce, text.
  out: fc.array(
    fc.oneof(
      fc.record({ stream: fc.constantFrom('o', 'e'), bytes: chunk }),
      fc.record({
        stream: fc.constantFrom('o', 'e'),
        bytes: stats.map((s) => Buffer.concat([frame('R', report(N, s)), frame('S', N)])),
      }),
    ),
    { maxLength: 8 },
  ),
  run: stats,
});

type Answer = typeof answer extends fc.Arbitrary<infer T> ? T : never;

function encode(a: Answer): Buffer {
  const parts = [frame('S', N)];
  if (a.compile) {
    for (const c of a.compile.out) parts.push(frame('c', c));
    parts.push(frame('C', report(N, { ...a.compile.stats, exit: 0 })));
  }
  for (const o of a.out) parts.push(frame(o.stream, o.bytes));
  parts.push(frame('R', report(N, a.run)));
  return Buffer.concat(parts);
}

describe('AgentStream, property-based', () => {
  it('reads the same answer however the bytes are cut; forged frames in program output stay output', () => {
    fc.assert(
      fc.property(answer, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 20 }), (a, points) => {
        const s = new AgentStream(N, LIMIT, a.compile !== undefined);
        for (const part of cut(encode(a), points)) s.push('stdout', part);
        s.end();
        const r = s.result();
        expect(r.protocolError).toBeNull();
        expect(s.finished).toBe(true);
        const sent = (stream: string) => Buffer.concat(a.out.filter((o) => o.stream === stream).map((o) => o.bytes));
        expect(r.stdout.equals(sent('o').subarray(0, LIMIT))).toBe(true);
        expect(r.stderr.equals(sent('e').subarray(0, LIMIT))).toBe(true);
        expect(r.received).toEqual({ stdout: sent('o').length, stderr: sent('e').length });
        expect(r.run).toEqual({
          exitCode: a.run.exit,
          signal: null,
          cpuTimeMs: Math.round((a.run.userUs + a.run.sysUs) / 1000),
          maxRssKb: a.run.maxRssKb,
          oomKills: a.run.oomKills,
          pidsLimitHits: a.run.pidsHits,
        });
      }),
      seed(1),
    );
  });

  it('never throws on random bytes, and takes nothing from them for a report', () => {
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 10 }), fc.boolean(), fc.boolean(), (chunks, hasCompile, onStderr) => {
        const s = new AgentStream(N, LIMIT, hasCompile);
        for (const c of chunks) s.push(onStderr ? 'stderr' : 'stdout', c);
        s.end();
        const r = s.result();
        expect(r.run).toBeNull();
        expect(r.compile).toBeNull();
      }),
      seed(2),
    );
  });

  it('never throws on random frames, and reports only what a well-formed report frame of this nonce said', () => {
    const anyFrame = fc.record({
      type: fc.constantFrom('S', 'c', 'C', 'o', 'e', 'R', 'E', 'X'),
      payload: fc.oneof(
        chunk,
        stats.map((st) => Buffer.from(report(N, st))),
      ),
    });
    fc.assert(
      fc.property(fc.array(anyFrame, { maxLength: 12 }), fc.boolean(), (frames, hasCompile) => {
        const s = new AgentStream(N, LIMIT, hasCompile);
        const bytes = Buffer.concat(frames.map((f) => frame(f.type, f.payload)));
        for (const part of cut(bytes, [0.3, 0.6])) s.push('stdout', part);
        s.end();
        const r = s.result();
        const reports = new Set(
          frames.filter((f) => f.type === 'R' || f.type === 'C').map((f) => f.payload.toString('latin1')),
        );
        // A report frame of this nonce said this peak memory (field 7 of the report).
        const said = (st: NonNullable<typeof r.run>) =>
          [...reports].some((p) => p.startsWith(`${N} `) && p.split(' ')[6] === String(st.maxRssKb));
        if (r.run) expect(said(r.run)).toBe(true);
        if (r.compile) expect(said(r.compile.stats)).toBe(true);
      }),
      seed(3),
    );
  });
});
