// Which kernel a program talks to. Under WEBCOMPILE_SANDBOX_RUNTIME=runsc (the second integration
// pass of scripts/test.sh, on an engine with the runtime "runsc" that scripts/engine.sh registers)
// the sandboxes run in gVisor and the warm compilers stay on the engine's default runtime; without
// it, nothing runs in gVisor. The same file states both, so each pass checks its own case.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, docker, eventually, instanceIdOf, ourContainers, useServer } from './helpers/server';

const gvisor = process.env.WEBCOMPILE_SANDBOX_RUNTIME === 'runsc';
/** The wrapper scripts/engine.sh writes and registers as "runsc". */
const RUNSC_WRAPPER = '/usr/local/lib/webcompile/runsc';

// gVisor's kernel log begins with "Starting gVisor...", and its /proc/version is its own, not the
// host's. (Outside gVisor, dmesg is refused to the program: it has no CAP_SYSLOG.)
const KERNEL_PROBE = 'dmesg 2>&1 | head -n 1\ncat /proc/version\n';
// The cgroup counters the sandbox agent reads for memory_limit and process_limit (v2, then v1).
const COUNTERS = [
  '/sys/fs/cgroup/memory.events',
  '/sys/fs/cgroup/pids.events',
  '/sys/fs/cgroup/memory/memory.oom_control',
  '/sys/fs/cgroup/pids/pids.events',
];
const COUNTER_PROBE = `for f in ${COUNTERS.join(' ')}; do [ -r "$f" ] && echo "$f"; done\necho end\n`;

/**
 * The containers of one role of a server, as the engine runs them: its runtime, and the executable
 * of its first process on the host (the program's own, or gVisor's kernel). Only running ones: a used
 * sandbox may be on its way out (listed, then gone), its replacement not started yet.
 */
async function running(instance: string, role: 'sandbox' | 'compiler'): Promise<{ runtime: string; exe: string }[]> {
  const listed = await ourContainers({ 'webcompile.instance': instance, 'webcompile.role': role });
  const seen: { runtime: string; exe: string }[] = [];
  for (const c of listed) {
    try {
      const { State, HostConfig } = await docker.getContainer(c.Id).inspect();
      if (State.Running)
        seen.push({ runtime: HostConfig.Runtime ?? '', exe: path.basename(fs.readlinkSync(`/proc/${State.Pid}/exe`)) });
    } catch {
      // removed, or ended, between the listing and the look at it
    }
  }
  return seen;
}

const server = useServer({ WEBCOMPILE_LANGUAGES: 'csharp,bash', WEBCOMPILE_POOL_SIZE: '1' });

describe(gvisor ? 'with WEBCOMPILE_SANDBOX_RUNTIME=runsc' : 'with the default sandbox runtime', () => {
  it(gvisor ? "a program runs on gVisor's kernel" : "a program runs on the host's kernel", async () => {
    const r = await compile(server, { language: 'bash', code: KERNEL_PROBE });
    expect(r.body, JSON.stringify(r.body)).toMatchObject({ Status: 'ok', ExitCode: 0 });
    const hostVersion = fs.readFileSync('/proc/version', 'utf8');
    if (gvisor) {
      expect(r.body.Output).toMatch(/^\[ *0\.0+\] Starting gVisor\.\.\.\n/);
      expect(r.body.Output).not.toContain(hostVersion);
    } else {
      expect(r.body.Output).not.toContain('gVisor');
      expect(r.body.Output.endsWith(hostVersion)).toBe(true);
    }
  });

  it(`the engine runs the sandboxes with ${gvisor ? 'runsc' : 'its default runtime'}, and the warm compilers with its default`, async () => {
    const { DefaultRuntime } = (await docker.info()) as { DefaultRuntime: string };
    const id = await instanceIdOf(server);
    const sandboxes = await eventually(
      async () => {
        const s = await running(id, 'sandbox');
        return s.length > 0 && s;
      },
      20_000,
      'a running sandbox',
    );
    for (const s of sandboxes) {
      expect(s.runtime).toBe(gvisor ? 'runsc' : DefaultRuntime);
      // Under gVisor the container's first host process is gVisor's kernel (runsc), not the agent.
      if (gvisor) expect(s.exe).toBe('runsc');
      else expect(s.exe).not.toBe('runsc');
    }
    const compilers = await running(id, 'compiler');
    expect(compilers.length).toBeGreaterThan(0);
    for (const c of compilers) expect(c).toEqual({ runtime: DefaultRuntime, exe: expect.stringMatching(/^mono/) });
  });

  // gVisor has no cgroup files of its own for the program (this version mounts none at
  // /sys/fs/cgroup): the agent's OOM-kill and pids-limit counters read 0 there, so memory_limit and
  // process_limit cannot come from them (the engine's limits still hold: the host kernel applies them
  // to the whole sandbox, gVisor's kernel included).
  it(
    gvisor
      ? 'a program sees none of the cgroup counters the agent reads'
      : 'a program can read the cgroup counters the agent reads',
    async () => {
      const r = await compile(server, { language: 'bash', code: COUNTER_PROBE });
      expect(r.body, JSON.stringify(r.body)).toMatchObject({ Status: 'ok', ExitCode: 0 });
      expect(r.body.Output.endsWith('end\n')).toBe(true);
      const seen = r.body.Output.split('\n').filter((l: string) => COUNTERS.includes(l));
      if (gvisor) expect(seen).toEqual([]);
      else expect(seen.length).toBeGreaterThanOrEqual(2); // memory and pids, of one cgroup version
    },
  );

  if (gvisor) {
    it(`the engine's "runsc" is the wrapper scripts/engine.sh writes: ptrace platform, no network`, async () => {
      const info = (await docker.info()) as { Runtimes: Record<string, { path: string }> };
      expect(info.Runtimes.runsc?.path).toBe(RUNSC_WRAPPER);
      expect(fs.readFileSync(RUNSC_WRAPPER, 'utf8')).toMatch(/^exec \S*runsc --platform=ptrace --network=none "\$@"$/m);
    });
  }
});
