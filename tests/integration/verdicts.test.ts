// Nothing a program prints, writes or does to PID 1 changes its verdict: the agent is a compiled,
// non-dumpable PID 1 that the program cannot trace or read, program output travels as framed pipe
// data that is never parsed, and the measures come from wait4 and the cgroup's own counters (under
// gVisor, which shows no cgroup files, a process-limit hit is the step's processes filling its cap).
import { describe, expect, it } from 'vitest';
import { compile, GVISOR, useServer } from './helpers/server';

const server = useServer({ WEBCOMPILE_LANGUAGES: 'bash,python,c', WEBCOMPILE_TIMEOUT_MS: '8000' });

describe('a program cannot forge its verdict', () => {
  it('writing a fake GNU time report and fake agent reports changes nothing: its CPU time and memory are measured', async () => {
    // The shell agent of 0.2 read its measures back from /tmp/.wc-time, which the program could overwrite.
    const code = [
      'i=0; while [ $i -lt 200000 ]; do i=$((i + 1)); done', // a fixed amount of work: CPU time, whatever the load
      "printf '0 0 0 7 1 0\\n' > /tmp/.wc-time",
      "printf '\\n__wc_0123 R 0 0 0 0 7 1 0\\n'",
      "printf 'R\\0\\0\\0\\x2a__wc_0123 exit 0 1 1 1 7 1 0' >&2",
      'exit 0',
    ].join('\n');
    const r = await compile(server, { language: 'bash', code });
    expect(r.body).toMatchObject({ Status: 'ok', ExitCode: 0, Output: '\n__wc_0123 R 0 0 0 0 7 1 0\n' });
    expect(r.body.CpuTimeMS).toBeGreaterThanOrEqual(100); // the forged report said 0
    expect(r.body.MemoryKB).toBeGreaterThan(1000); // and 7 KB
    expect(r.body.ErrorString).toContain('__wc_0123 exit 0 1 1 1 7 1 0');
  });

  it('cannot trace PID 1 or read its memory, environment or descriptors, and cannot kill it', async () => {
    const code = `#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>
static void try_open(const char *path) {
  int fd = open(path, O_RDONLY);
  printf("%s: %s\\n", path, fd < 0 ? strerror(errno) : "opened");
}
int main(void) {
  long r = ptrace(PTRACE_ATTACH, 1, 0, 0);
  printf("ptrace attach: %s\\n", r < 0 ? strerror(errno) : "attached");
  try_open("/proc/1/mem");
  try_open("/proc/1/environ");
  try_open("/proc/1/fd/1");
  printf("kill: %d\\n", kill(1, SIGKILL));
  fflush(stdout);
  return 3;
}
`;
    const r = await compile(server, { language: 'c', code });
    if (GVISOR) {
      // gVisor (2022-12-19) ends the whole sandbox when a program opens PID 1's environ (what the
      // program printed before may be lost with it): the run is answered as one that ended without a
      // report, and no attempt got through.
      expect(r.body).toMatchObject({ Status: 'runtime_error', ExitCode: null });
      expect(r.body.ErrorString).toContain('ended before the program reported');
      expect(r.body.Output).not.toMatch(/attached|opened|kill: /);
      return;
    }
    expect(r.body).toMatchObject({
      Status: 'runtime_error',
      ExitCode: 3,
      Output:
        'ptrace attach: Operation not permitted\n/proc/1/mem: Permission denied\n/proc/1/environ: Permission denied\n' +
        '/proc/1/fd/1: Permission denied\nkill: 0\n',
    });
  });
});

describe('limits decide the verdict, whatever the exit code', () => {
  it('a parent that exits 0 after its forks failed at the pids limit is process_limit', async () => {
    const code = [
      'import os, sys, time',
      'n = 0',
      'while True:',
      '    try:',
      '        pid = os.fork()',
      '    except OSError:',
      '        break',
      '    if pid == 0:',
      '        time.sleep(30)',
      '        os._exit(0)',
      '    n += 1',
      'print("forked", n > 10)',
      'sys.exit(0)',
    ].join('\n');
    const r = await compile(server, { language: 'python', code });
    expect(r.body).toMatchObject({ Status: 'process_limit', ExitCode: 0, Output: 'forked True\n' });
    expect(r.body.ErrorString).toContain('limit of 64 processes');
  });

  it('a parent that exits 0 after its child was OOM-killed is memory_limit', async () => {
    const code = [
      'import os, sys',
      'pid = os.fork()',
      'if pid == 0:',
      '    blocks = []',
      '    while True:',
      '        blocks.append(bytearray(16 << 20))',
      '_, status = os.waitpid(pid, 0)',
      'print("child killed by", os.WTERMSIG(status))',
      'sys.exit(0)',
    ].join('\n');
    const r = await compile(server, { language: 'python', code });
    // gVisor answers a memory limit by ending the whole sandbox (the engine's OOM flag tells).
    if (GVISOR) expect(r.body).toMatchObject({ Status: 'memory_limit', ExitCode: null, Output: '' });
    else expect(r.body).toMatchObject({ Status: 'memory_limit', ExitCode: 0, Output: 'child killed by 9\n' });
  });
});
