// What the console shows of a run, in arrival order: the program's stdout and stderr. Consecutive
// pieces of one kind are kept as one segment, so a program that writes a character at a time still
// makes a handful of DOM nodes.

export type SegmentKind = 'stdout' | 'stderr';

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
