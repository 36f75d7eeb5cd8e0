// The sandboxes' seccomp profile (written by scripts/seccomp.sh): the engine's rules for native
// syscalls, with the 32-bit x86 and x32 syscall ABIs closed. A program that calls getpid through
// either is killed with SIGSYS. A profile from another engine version is not used: the engine's own
// default profile then applies, and it lets the same calls through (the x32 one then fails in the
// kernel, which lacks x32 support here). x86-64 only, as the assembly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@/lib/config/config';
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
const HELLO = '#include <stdio.h>\nint main(void) { printf("still fine\\n"); return 0; }\n';

describe('with the profile setup wrote', () => {
  const server = useServer({ WEBCOMPILE_LANGUAGES: 'csharp,c' });

  it('is the one in use', async () => {
    const stats = await (await fetch(`${server.url}/api/stats`)).json();
    expect(stats.seccomp).toBe('native-abi');
  });

  it('kills a program that uses the 32-bit x86 or the x32 syscall ABI, and the next run is fine', async () => {
    for (const code of [INT80_GETPID, X32_GETPID]) {
      const r = await compile(server, { language: 'c', code });
      expect(r.body).toMatchObject({ Status: 'runtime_error', ExitCode: 128 + 31, Output: '' });
      expect(r.body.ErrorString).toContain('killed by signal 31');
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
    expect(r.body.Status).toBe('ok');
    expect(r.body.Output).toMatch(/^32-bit getpid: \d+\n$/);
    const x32 = await compile(server, { language: 'c', code: X32_GETPID });
    expect(x32.body).toMatchObject({ Status: 'ok', Output: 'x32 getpid: -1\n' });
  });
});
