// wc-run (images/common/wc-run) ends stderr with one line:
//   "<nonce> <wall s> <user s> <sys s> <maxrss KiB> <exit> <oom kills> <pids-limit hits>"
// The nonce is fresh per step, so ordinary program output is never mistaken for it.

export interface StepStats {
  cpuTimeMs: number;
  maxRssKb: number;
  exitCode: number;
  oomKills: number;
  pidsLimitHits: number;
}

export function splitTrailer(stderr: string, nonce: string): { stderr: string; stats: StepStats | null } {
  const marker = `\n${nonce} `;
  const at = stderr.lastIndexOf(marker);
  if (at < 0) return { stderr, stats: null };
  const end = stderr.indexOf('\n', at + 1);
  const line = stderr.slice(at + marker.length, end < 0 ? undefined : end).trim();
  const rest = stderr.slice(0, at) + (end < 0 ? '' : stderr.slice(end + 1));
  const n = line.split(/\s+/).map(Number);
  if (n.length < 7 || n.some((x) => !Number.isFinite(x))) return { stderr: rest, stats: null };
  const [, user, sys, rss, exit, oom, pids] = n;
  return {
    stderr: rest,
    stats: {
      cpuTimeMs: Math.round((user + sys) * 1000),
      maxRssKb: rss,
      exitCode: exit,
      oomKills: oom,
      pidsLimitHits: pids,
    },
  };
}
