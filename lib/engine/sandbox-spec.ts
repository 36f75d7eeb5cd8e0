// The container settings every sandbox gets. Everything a program could use to reach out is off:
// no network, no capabilities, no new privileges, a seccomp allowlist, a read-only root, no host
// folder, a non-root user, and hard caps on memory (no swap), CPU, processes, files and disk.

import type Dockerode from 'dockerode';

export const LABEL_MANAGED = 'webcompile.managed';
export const LABEL_INSTANCE = 'webcompile.instance';
export const LABEL_HOST = 'webcompile.host';
export const LABEL_PID = 'webcompile.pid';
export const LABEL_LANGUAGE = 'webcompile.language';
/** "sandbox" (one job, then destroyed) or "compiler" (a long-lived warm compiler). */
export const LABEL_ROLE = 'webcompile.role';

/** The uid:gid the images create for the runner user. */
export const SANDBOX_USER = '10001:10001';
/** The one writable place; the images link /work to /tmp/work. One tmpfs is cheaper to set up than two. */
export const TMP_DIR = '/tmp';

export interface SandboxLimits {
  memoryMb: number;
  cpus: number;
  pidsLimit: number;
  workTmpfsMb: number;
  /** A seccomp profile (JSON text) in place of the engine's default (see lib/engine/seccomp.ts). */
  seccompJson?: string;
  /** The engine's OCI runtime for this container ("runsc" for gVisor); the engine's default when absent or "default". */
  runtime?: string;
}

export interface SandboxOwner {
  instanceId: string;
  hostname: string;
  pid: number;
}

/** A sandbox for one job: PID 1 is the agent, which reads the job from stdin and then exits. */
export function sandboxCreateOptions(
  image: string,
  language: string,
  limits: SandboxLimits,
  owner: SandboxOwner,
): Dockerode.ContainerCreateOptions {
  return hardenedOptions(
    image,
    ['wc-agent'],
    limits,
    owner,
    { [LABEL_LANGUAGE]: language, [LABEL_ROLE]: 'sandbox' },
    true,
  );
}

/** A long-lived warm compiler, with the same hardening; it talks over its stdin and stdout. */
export function compilerCreateOptions(
  image: string,
  language: string,
  cmd: string[],
  limits: SandboxLimits,
  owner: SandboxOwner,
): Dockerode.ContainerCreateOptions {
  return hardenedOptions(image, cmd, limits, owner, { [LABEL_LANGUAGE]: language, [LABEL_ROLE]: 'compiler' }, false);
}

function hardenedOptions(
  image: string,
  cmd: string[],
  limits: SandboxLimits,
  owner: SandboxOwner,
  labels: Record<string, string>,
  stdinOnce: boolean,
): Dockerode.ContainerCreateOptions {
  const bytes = limits.memoryMb * 1024 * 1024;
  const gvisor = limits.runtime === 'runsc';
  const tmpfs = (mb: number) => `rw,exec,nosuid,nodev,size=${mb}m,uid=10001,gid=10001,mode=0700`;
  return {
    Image: image,
    // Killing PID 1 takes every process in the container with it.
    Cmd: cmd,
    // Nothing inside needs a graceful stop; this also keeps an engine shutdown quick.
    StopSignal: 'SIGKILL',
    StopTimeout: 1,
    User: SANDBOX_USER,
    WorkingDir: TMP_DIR,
    // Nothing of the server's environment: only what the program needs.
    Env: ['HOME=/tmp', 'LANG=C.UTF-8', 'PATH=/usr/local/bin:/usr/bin:/bin', 'TMPDIR=/tmp'],
    NetworkDisabled: true,
    Tty: false,
    // The job (or compile requests) arrive on stdin through an attach: no exec, no host folder.
    OpenStdin: true,
    StdinOnce: stdinOnce,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Labels: {
      [LABEL_MANAGED]: 'true',
      [LABEL_INSTANCE]: owner.instanceId,
      [LABEL_HOST]: owner.hostname,
      [LABEL_PID]: String(owner.pid),
      ...labels,
    },
    HostConfig: {
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      Tmpfs: { [TMP_DIR]: tmpfs(limits.workTmpfsMb) },
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges', ...(limits.seccompJson ? [`seccomp=${limits.seccompJson}`] : [])],
      Memory: bytes,
      MemorySwap: bytes,
      MemorySwappiness: 0,
      NanoCpus: Math.round(limits.cpus * 1e9),
      // Under gVisor the engine's pids cgroup holds gVisor's own host threads (its kernel and file
      // proxy, ~35 at rest, and with the ptrace platform a stub process of up to ~10 threads per
      // program process), and gVisor's kernel ends the whole sandbox when the host refuses it a
      // thread: the cgroup only bounds gVisor, and the program's processes and threads are counted by
      // gVisor's kernel through RLIMIT_NPROC (per sandbox there; on the host kernel it would be per
      // uid, shared by every sandbox, so it is set for gVisor only).
      PidsLimit: gvisor ? Math.max(1024, 16 * limits.pidsLimit) : limits.pidsLimit,
      Ulimits: [
        { Name: 'nofile', Soft: 256, Hard: 256 },
        { Name: 'fsize', Soft: limits.workTmpfsMb * 1024 * 1024, Hard: limits.workTmpfsMb * 1024 * 1024 },
        { Name: 'core', Soft: 0, Hard: 0 },
        ...(gvisor ? [{ Name: 'nproc', Soft: limits.pidsLimit, Hard: limits.pidsLimit }] : []),
      ],
      IpcMode: 'private',
      ...(limits.runtime && limits.runtime !== 'default' ? { Runtime: limits.runtime } : {}),
      Privileged: false,
      AutoRemove: false,
      RestartPolicy: { Name: 'no' },
      LogConfig: { Type: 'none', Config: {} },
      Binds: [],
      Mounts: [],
    },
  };
}
