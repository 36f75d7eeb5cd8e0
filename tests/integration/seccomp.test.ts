// The sandboxes' seccomp profile (written by scripts/seccomp.sh): the engine's rules for native
// syscalls less the denied ones (io_uring, ptrace, process_vm_readv/writev: EPERM), with the 32-bit
// x86 and x32 syscall ABIs closed. A program that calls getpid through either is killed with
// SIGSYS. A profile from another engine version is not used: the engine's own default profile then
// applies, and it lets the same calls through (the x32 one then fails in the kernel, which lacks x32
// support here), and (Docker 20.10's) io_uring and ptrace too. x86-64 only, as the assembly.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@/lib/config/config';
import { DENIED_SYSCALLS } from '@/lib/engine/seccomp';
import { compile, useServer } from './helpers/server';

const INT80_GETPID = `#include <stdio.h>
int main(void) {
  long pid;
  __asm__ volatile ("int $0x80" : "=a"(pid) : "a"(20L) : "memory"); /* i386 getpid */
  printf("32-bit getpid: %ld\\n", pid);
  return 0;
}
`;
const X32_GETPID = `#define _GNU_SOURCE
#include <stdio.h>
#include <unistd.h>
int main(void) {
  long pid = syscall(0x40000000L | 39); /* x32 getpid */
  printf("x32 getpid: %ld\\n", pid);
  return 0;
}
`;
/**
 * Whether this machine's kernel serves the 32-bit x86 ABI at all: some virtual machines' kernels
 * (seen here under Firecracker) kill every `int $0x80` with SIGSEGV before seccomp sees it. Asked of
 * the host (its kernel is the sandboxes'), so the tests below expect what this kernel does.
 */
function kernelServesInt80(): boolean {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-int80-'));
  fs.writeFileSync(path.join(dir, 'p.c'), INT80_GETPID);
  execFileSync('gcc', ['-o', path.join(dir, 'p'), path.join(dir, 'p.c')]);
  const r = spawnSync(path.join(dir, 'p'));
  fs.rmSync(dir, { recursive: true, force: true });
  return r.status === 0;
}
const INT80_SERVED = kernelServesInt80();

const HELLO = '#include <stdio.h>\nint main(void) { printf("still fine\\n"); return 0; }\n';

// One call of each denied syscall that succeeds where it is allowed (checked without seccomp): a ring
// of one entry, an empty io_uring_enter and a probe on that ring (under the profile the setup before
// them fails too, and they get -1 as their fd: EBADF, not EPERM, were they allowed), PTRACE_TRACEME,
// and the program's own memory copied through process_vm_readv/writev.
const CALLS: Record<string, string> = {
  io_uring_setup: 'struct io_uring_params p = {0};\n  return syscall(SYS_io_uring_setup, 1, &p);',
  io_uring_enter:
    'struct io_uring_params p = {0};\n  long fd = syscall(SYS_io_uring_setup, 1, &p);\n  return syscall(SYS_io_uring_enter, fd, 0, 0, 0, NULL, 0);',
  io_uring_register:
    'struct io_uring_params p = {0};\n  long fd = syscall(SYS_io_uring_setup, 1, &p);\n' +
    '  struct io_uring_probe *probe = calloc(1, sizeof *probe + 8 * sizeof probe->ops[0]);\n' +
    '  return syscall(SYS_io_uring_register, fd, IORING_REGISTER_PROBE, probe, 8);',
  ptrace: 'return syscall(SYS_ptrace, PTRACE_TRACEME, 0, NULL, NULL);',
  process_vm_readv:
    'static char mine[] = "mine", copy[5];\n  struct iovec to = { copy, 5 }, from = { mine, 5 };\n' +
    '  return syscall(SYS_process_vm_readv, getpid(), &to, 1, &from, 1, 0);',
  process_vm_writev:
    'static char mine[] = "mine", copy[5];\n  struct iovec from = { mine, 5 }, to = { copy, 5 };\n' +
    '  return syscall(SYS_process_vm_writev, getpid(), &from, 1, &to, 1, 0);',
};
/** A program that makes the call and prints its result and, when it is -1, errno's name. */
const calling = (name: string) => `#define _GNU_SOURCE
#include <errno.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
static long call(void) {
  ${CALLS[name]}
}
int main(void) {
  long r = call();
  printf("%ld %s\\n", r, r == -1 ? strerrorname_np(errno) : "ok");
  return 0;
}
`;

describe('with the profile setup wrote', () => {
  const server = useServer({ WEBCOMPILE_LANGUAGES: 'csharp,c' });

  it('is the one in use, stamped with the denied syscalls', async () => {
    const stats = await (await fetch(`${server.url}/api/stats`)).json();
    expect(stats.seccomp).toBe('native-abi');
    const stamp = fs.readFileSync(`${loadConfig().seccompProfile}.engine`, 'utf8').split('\n');
    expect(stamp[1]).toBe(`denied: ${DENIED_SYSCALLS.join(' ')}`);
  });

  it('covers every denied syscall in the tests below', () => {
    expect(Object.keys(CALLS).sort()).toEqual([...DENIED_SYSCALLS].sort());
  });

  for (const name of Object.keys(CALLS)) {
    it(`denies ${name} with EPERM`, async () => {
      const r = await compile(server, { language: 'c', code: calling(name) });
      expect(r.body).toMatchObject({ Status: 'ok', Output: '-1 EPERM\n' });
    });
  }

  it('kills a program that uses the 32-bit x86 or the x32 syscall ABI, and the next run is fine', async () => {
    // SIGSYS is seccomp's kill; a kernel without the 32-bit ABI kills int $0x80 with SIGSEGV first.
    for (const [code, signal] of [
      [INT80_GETPID, INT80_SERVED ? 31 : 11],
      [X32_GETPID, 31],
    ] as const) {
      const r = await compile(server, { language: 'c', code });
      expect(r.body).toMatchObject({ Status: 'runtime_error', ExitCode: 128 + signal, Output: '' });
      expect(r.body.ErrorString).toContain(`killed by signal ${signal}`);
    }
    const next = await compile(server, { language: 'c', code: HELLO });
    expect(next.body).toMatchObject({ Status: 'ok', Output: 'still fine\n' });
  });
});

describe('with a profile from another engine version', () => {
  // A copy of the profile setup wrote, said to come from an engine that is not this one: the server
  // must fall back to the engine's own profile.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-seccomp-'));
  const stale = path.join(dir, 'seccomp.json');
  fs.copyFileSync(loadConfig().seccompProfile, stale);
  fs.chmodSync(stale, 0o644);
  fs.writeFileSync(`${stale}.engine`, '0.0.1\n');
  const server = useServer({ WEBCOMPILE_LANGUAGES: 'c', WEBCOMPILE_SECCOMP_PROFILE: stale });

  it('lets the same calls through', async () => {
    const stats = await (await fetch(`${server.url}/api/stats`)).json();
    expect(stats.seccomp).toBe('engine-default');
    const r = await compile(server, { language: 'c', code: INT80_GETPID });
    if (INT80_SERVED)
      expect(r.body).toMatchObject({ Status: 'ok', Output: expect.stringMatching(/^32-bit getpid: \d+\n$/) });
    else expect(r.body).toMatchObject({ Status: 'runtime_error', ExitCode: 128 + 11 });
    const x32 = await compile(server, { language: 'c', code: X32_GETPID });
    expect(x32.body).toMatchObject({ Status: 'ok', Output: 'x32 getpid: -1\n' });
  });

  // What falling back means: Docker 20.10's default lets io_uring and ptrace through (and so the
  // programs above do succeed where allowed); it denies process_vm_readv/writev to a container
  // without CAP_SYS_PTRACE.
  it('lets io_uring and ptrace through, but not process_vm_readv/writev', async () => {
    for (const name of ['io_uring_setup', 'io_uring_enter', 'io_uring_register', 'ptrace']) {
      const r = await compile(server, { language: 'c', code: calling(name) });
      expect(r.body, name).toMatchObject({ Status: 'ok', Output: expect.stringMatching(/^\d+ ok\n$/) });
    }
    for (const name of ['process_vm_readv', 'process_vm_writev']) {
      const r = await compile(server, { language: 'c', code: calling(name) });
      expect(r.body, name).toMatchObject({ Status: 'ok', Output: '-1 EPERM\n' });
    }
  });
});
