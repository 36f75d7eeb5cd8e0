import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEngineVersion, DENIED_SYSCALLS, NATIVE_ARCH, readSeccompProfile } from '@/lib/engine/seccomp';
import { sandboxCreateOptions } from '@/lib/engine/sandbox-spec';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-seccomp-'));
const write = (name: string, content: unknown, mode = 0o644) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  fs.chmodSync(p, mode);
  return p;
};
const OLD_SETUP_RULES = [
  { names: ['read', 'io_uring_setup', 'io_uring_enter'], action: 'SCMP_ACT_ALLOW' },
  { names: ['ptrace'], action: 'SCMP_ACT_ALLOW' },
];
const PROFILE = {
  defaultAction: 'SCMP_ACT_ERRNO',
  architectures: [NATIVE_ARCH],
  syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }],
};

describe('readSeccompProfile', () => {
  it('reads the profile setup wrote, with the engine version from the first line of its stamp', () => {
    const p = write('ok.json', PROFILE);
    fs.writeFileSync(`${p}.engine`, `20.10.24+dfsg1\ndenied: ${DENIED_SYSCALLS.join(' ')}\n`);
    const choice = readSeccompProfile(p);
    expect(choice).toMatchObject({ source: 'native-abi', engineVersion: '20.10.24+dfsg1' });
    expect(JSON.parse(choice.json!)).toEqual(PROFILE);
    expect(choice.problem).toBeUndefined();
  });

  it('"default" means the engine\'s own profile, with nothing to warn about', () => {
    expect(readSeccompProfile('default')).toEqual({ source: 'engine-default' });
  });

  it("falls back to the engine's profile, saying why, for anything setup would not write", () => {
    const cases: [string, string][] = [
      [path.join(dir, 'nope.json'), 'missing'],
      [write('text.json', '{not json'), 'not JSON'],
      [write('allow.json', { ...PROFILE, defaultAction: 'SCMP_ACT_ALLOW' }), 'does not deny'],
      [write('log.json', { ...PROFILE, defaultAction: 'SCMP_ACT_LOG' }), 'does not deny'],
      [write('empty.json', { ...PROFILE, syscalls: [] }), 'allows no syscalls'],
      [
        write('three-arches.json', { ...PROFILE, architectures: [NATIVE_ARCH, 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'] }),
        'architectures',
      ],
      [write('no-arches.json', { defaultAction: 'SCMP_ACT_ERRNO', syscalls: PROFILE.syscalls }), 'architectures'],
      [write('writable.json', PROFILE, 0o666), 'others may write it'],
      // What the previous setup wrote: Docker 20.10's rules, io_uring and ptrace allowed.
      [
        write('old-setup.json', { ...PROFILE, syscalls: OLD_SETUP_RULES }),
        'it allows io_uring_enter, io_uring_setup, ptrace',
      ],
    ];
    for (const [p, why] of cases) {
      const choice = readSeccompProfile(p);
      expect(choice.source, p).toBe('engine-default');
      expect(choice.json, p).toBeUndefined();
      expect(choice.problem, p).toContain(why);
    }
  });
});

describe('the denied syscalls', () => {
  const allowing = (rule: Record<string, unknown>) => ({ ...PROFILE, syscalls: [...PROFILE.syscalls, rule] });

  it('are the ones no sandbox needs', () => {
    expect([...DENIED_SYSCALLS].sort()).toEqual([
      'io_uring_enter',
      'io_uring_register',
      'io_uring_setup',
      'process_vm_readv',
      'process_vm_writev',
      'ptrace',
    ]);
  });

  it('make a profile unusable when any rule that does not deny names one, whatever its conditions', () => {
    for (const name of DENIED_SYSCALLS) {
      const rules: Record<string, unknown>[] = [
        { names: ['write', name], action: 'SCMP_ACT_ALLOW' },
        { names: [name], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0, op: 'SCMP_CMP_EQ' }] },
        { names: [name], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_PTRACE'] } },
        { name, action: 'SCMP_ACT_ALLOW' },
        { names: [name], action: 'SCMP_ACT_LOG' },
        { names: [name] },
      ];
      for (const rule of rules) {
        const choice = readSeccompProfile(write('allows.json', allowing(rule)));
        expect(choice.source, JSON.stringify(rule)).toBe('engine-default');
        expect(choice.problem, JSON.stringify(rule)).toContain(`it allows ${name} `);
      }
    }
  });

  it('may be named by a rule that denies them', () => {
    const choice = readSeccompProfile(
      write('denies.json', allowing({ names: [...DENIED_SYSCALLS], action: 'SCMP_ACT_ERRNO', errnoRet: 38 })),
    );
    expect(choice.source).toBe('native-abi');
  });
});

describe('seccomp.sh --narrow', () => {
  const narrow = (spec: unknown) =>
    spawnSync('bash', [path.join(__dirname, '../../scripts/seccomp.sh'), '--narrow'], {
      input: JSON.stringify(spec),
      encoding: 'utf8',
    });
  // The shape of what ctr reports for a probe container under Docker 20.10 (rules shortened).
  const ENGINE_PROFILE = {
    defaultAction: 'SCMP_ACT_ERRNO',
    architectures: [NATIVE_ARCH, 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
    syscalls: [
      { names: ['io_uring_enter', 'io_uring_register', 'io_uring_setup', 'read', 'write'], action: 'SCMP_ACT_ALLOW' },
      { names: ['ptrace'], action: 'SCMP_ACT_ALLOW' },
      { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0, op: 'SCMP_CMP_EQ' }] },
      {
        names: ['process_vm_readv', 'process_vm_writev', 'kcmp'],
        action: 'SCMP_ACT_ALLOW',
        args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }],
      },
      { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
    ],
  };
  const spec = (seccomp: unknown) => ({ ID: 'probe', Spec: { ociVersion: '1.0.2-dev', linux: { seccomp } } });

  it('keeps the native architecture and every rule, less the denied syscalls', () => {
    const r = narrow(spec(ENGINE_PROFILE));
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      defaultAction: 'SCMP_ACT_ERRNO',
      architectures: [NATIVE_ARCH],
      syscalls: [
        { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
        { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0, op: 'SCMP_CMP_EQ' }] },
        { names: ['kcmp'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] },
        { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
      ],
    });
  });

  it('writes what the server accepts', () => {
    const p = write('narrowed.json', narrow(spec(ENGINE_PROFILE)).stdout);
    expect(readSeccompProfile(p)).toMatchObject({ source: 'native-abi' });
  });

  it('fails for a spec without a profile for this architecture', () => {
    expect(narrow(spec(undefined)).status).not.toBe(0);
    expect(narrow(spec({ ...ENGINE_PROFILE, architectures: ['SCMP_ARCH_S390X'] })).status).not.toBe(0);
  });
});

describe('checkEngineVersion', () => {
  const choice = readSeccompProfile(write('v.json', PROFILE));

  it('keeps the profile for the engine it came from', () => {
    const ok = { ...choice, engineVersion: '20.10.24' };
    expect(checkEngineVersion(ok, '20.10.24')).toBe(ok);
  });

  it('drops it for another engine version, or when the version is unknown', () => {
    for (const engineVersion of ['20.10.24', undefined]) {
      const checked = checkEngineVersion({ ...choice, engineVersion }, '26.1.5');
      expect(checked.source).toBe('engine-default');
      expect(checked.json).toBeUndefined();
      expect(checked.problem).toContain('26.1.5');
    }
  });
});

describe('sandbox settings', () => {
  const owner = { instanceId: 'i', hostname: 'h', pid: 1 };
  const limits = { memoryMb: 256, cpus: 1, pidsLimit: 64, workTmpfsMb: 32 };

  it('carry the profile when there is one, and leave the engine default otherwise', () => {
    const json = JSON.stringify(PROFILE);
    expect(sandboxCreateOptions('img', 'c', { ...limits, seccompJson: json }, owner).HostConfig!.SecurityOpt).toEqual([
      'no-new-privileges',
      `seccomp=${json}`,
    ]);
    expect(sandboxCreateOptions('img', 'c', limits, owner).HostConfig!.SecurityOpt).toEqual(['no-new-privileges']);
  });
});
