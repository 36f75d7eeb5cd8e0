// The sandboxes' seccomp profile (written by scripts/seccomp.sh): the engine's rules for native
// syscalls, with the 32-bit syscall ABI closed. A program that calls getpid through int 0x80 is
// killed with SIGSYS; under the engine's default profile the same call works.
import { describe, expect, it } from 'vitest';
import { compile, useServer } from './helpers/server';

const INT80_GETPID = `#include <stdio.h>
int main(void) {
  long pid;
  __asm__ volatile ("int $0x80" : "=a"(pid) : "a"(20L) : "memory"); /* i386 getpid */
  printf("32-bit getpid: %ld\\n", pid);
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

  it('kills a program that uses the 32-bit syscall ABI, and the next run is fine', async () => {
    const r = await compile(server, { language: 'c', code: INT80_GETPID });
    expect(r.body).toMatchObject({ Status: 'runtime_error', ExitCode: 128 + 31, Output: '' });
    expect(r.body.ErrorString).toContain('killed by signal 31');
    const next = await compile(server, { language: 'c', code: HELLO });
    expect(next.body).toMatchObject({ Status: 'ok', Output: 'still fine\n' });
  });
});

describe("with the engine's default profile", () => {
  const server = useServer({ WEBCOMPILE_LANGUAGES: 'c', WEBCOMPILE_SECCOMP_PROFILE: 'default' });

  it('lets the same 32-bit call through', async () => {
    const stats = await (await fetch(`${server.url}/api/stats`)).json();
    expect(stats.seccomp).toBe('engine-default');
    const r = await compile(server, { language: 'c', code: INT80_GETPID });
    expect(r.body.Status).toBe('ok');
    expect(r.body.Output).toMatch(/^32-bit getpid: \d+\n$/);
  });
});
