// What the console shows of a run, in arrival order: the program's stdout and stderr, the lines the
// user typed, and WebCompile's own notes. Consecutive pieces of one kind are kept as one segment, so
// a program that writes a character at a time still makes a handful of DOM nodes.
import type { RunResult } from '@/lib/contract/compile-response';

export type SegmentKind = 'stdout' | 'stderr' | 'stdin' | 'note';

export interface Segment {
  kind: SegmentKind;
  text: string;
}

export function append(segments: readonly Segment[], kind: SegmentKind, text: string): Segment[] {
  if (!text) return [...segments];
  const last = segments.at(-1);
  if (last && last.kind === kind) return [...segments.slice(0, -1), { kind, text: last.text + text }];
  return [...segments, { kind, text }];
}

/** A note of ours, on a line of its own. */
export function appendNote(segments: readonly Segment[], text: string): Segment[] {
  const last = segments.at(-1);
  const newline = last && !last.text.endsWith('\n') ? '\n' : '';
  return [...segments, { kind: 'note', text: `${newline}${text}\n` }];
}

export function streamText(segments: readonly Segment[], kind: SegmentKind): string {
  return segments
    .filter((s) => s.kind === kind)
    .map((s) => s.text)
    .join('');
}

/**
 * What the result says that the console has not shown: WebCompile's note at the end of ErrorString
 * ("[webcompile] Execution stopped: …"), which follows the compiler's output and the stderr the
 * console already holds, and whether the output was cut at the limit.
 */
export function endingNotes(r: RunResult, segments: readonly Segment[]): string[] {
  const notes: string[] = [];
  const stderr = streamText(segments, 'stderr');
  const m = /\[webcompile\] ([^\n]*)\n$/.exec(r.ErrorString);
  if (m && r.ErrorString !== stderr && !stderr.endsWith(m[0])) notes.push(m[1]);
  if (r.Truncated) notes.push('The output was cut at the limit.');
  return notes;
}
