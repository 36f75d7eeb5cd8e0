// Under gVisor (runtime "runsc") the engine's pids cgroup holds gVisor's own host threads too, so the
// program's process cap moves into gVisor's kernel (RLIMIT_NPROC) and the cgroup gets room for gVisor.
import { describe, expect, it } from 'vitest';
import { compilerCreateOptions, sandboxCreateOptions } from '@/lib/engine/sandbox-spec';

const owner = { instanceId: 'i', hostname: 'h', pid: 1 };
const limits = { memoryMb: 256, cpus: 1, pidsLimit: 64, workTmpfsMb: 32 };
const nproc = (o: ReturnType<typeof sandboxCreateOptions>) => o.HostConfig!.Ulimits!.filter((u) => u.Name === 'nproc');

describe('sandbox settings under gVisor', () => {
  it('cap the program through RLIMIT_NPROC, and leave the pids cgroup room for gVisor', () => {
    const o = sandboxCreateOptions('img', 'c', { ...limits, runtime: 'runsc' }, owner);
    expect(o.HostConfig!.Runtime).toBe('runsc');
    expect(nproc(o)).toEqual([{ Name: 'nproc', Soft: 64, Hard: 64 }]);
    expect(o.HostConfig!.PidsLimit).toBe(1024);
    expect(
      sandboxCreateOptions('img', 'c', { ...limits, pidsLimit: 100, runtime: 'runsc' }, owner).HostConfig!.PidsLimit,
    ).toBe(1600);
  });

  it('are unchanged on the default runtime, where RLIMIT_NPROC would count every sandbox of the uid', () => {
    for (const runtime of [undefined, 'default']) {
      const o = sandboxCreateOptions('img', 'c', { ...limits, runtime }, owner);
      expect(o.HostConfig!.Runtime).toBeUndefined();
      expect(o.HostConfig!.PidsLimit).toBe(64);
      expect(nproc(o)).toEqual([]);
    }
    expect(compilerCreateOptions('img', 'c', ['cmd'], limits, owner).HostConfig!.PidsLimit).toBe(64);
  });
});
