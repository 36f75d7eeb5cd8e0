import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEngineVersion, NATIVE_ARCH, readSeccompProfile } from '@/lib/docker/seccomp';
import { sandboxCreateOptions } from '@/lib/docker/sandbox-spec';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-seccomp-'));
const write = (name: string, content: unknown, mode = 0o644) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  fs.chmodSync(p, mode);
  return p;
};
const PROFILE = { defaultAction: 'SCMP_ACT_ERRNO', architectures: [NATIVE_ARCH], syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] };

describe('readSeccompProfile', () => {
  it('reads the profile setup wrote, with the engine version next to it', () => {
    const p = write('ok.json', PROFILE);
    fs.writeFileSync(`${p}.engine`, '20.10.24+dfsg1\n');
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
      [write('three-arches.json', { ...PROFILE, architectures: [NATIVE_ARCH, 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'] }), 'architectures'],
      [write('no-arches.json', { defaultAction: 'SCMP_ACT_ERRNO', syscalls: PROFILE.syscalls }), 'architectures'],
      [write('writable.json', PROFILE, 0o666), 'others may write it'],
    ];
    for (const [p, why] of cases) {
      const choice = readSeccompProfile(p);
      expect(choice.source, p).toBe('engine-default');
      expect(choice.json, p).toBeUndefined();
      expect(choice.problem, p).toContain(why);
    }
  });
});

describe('checkEngineVersion', () => {
  const choice = readSeccompProfile(write('v.json', PROFILE));

  it('keeps the profile for the engine it came from', () => {
    const ok = { ...choice, engineVersion: '20.10.24' };
    expect(checkEngineVersion(ok, '20.10.24')).toBe(ok);
  });

  it("drops it for another engine version, or when the version is unknown", () => {
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
