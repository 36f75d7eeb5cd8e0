import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSeccompProfile } from '@/lib/docker/seccomp';
import { sandboxCreateOptions } from '@/lib/docker/sandbox-spec';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-seccomp-'));
const write = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};
const PROFILE = { defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] };

describe('readSeccompProfile', () => {
  it('reads the profile setup wrote', () => {
    const choice = readSeccompProfile(write('ok.json', JSON.stringify(PROFILE, null, 2)));
    expect(choice.source).toBe('native-abi');
    expect(JSON.parse(choice.json!)).toEqual(PROFILE);
    expect(choice.problem).toBeUndefined();
  });

  it('"default" means the engine\'s own profile, with nothing to warn about', () => {
    expect(readSeccompProfile('default')).toEqual({ source: 'engine-default' });
  });

  it("falls back to the engine's profile, saying why, when the file is missing or not a profile", () => {
    const missing = readSeccompProfile(path.join(dir, 'nope.json'));
    expect(missing.source).toBe('engine-default');
    expect(missing.json).toBeUndefined();
    expect(missing.problem).toMatch(/missing/);
    for (const text of ['{not json', '{"defaultAction":"SCMP_ACT_ERRNO"}', '[]']) {
      const bad = readSeccompProfile(write('bad.json', text));
      expect(bad.source).toBe('engine-default');
      expect(bad.json).toBeUndefined();
      expect(bad.problem).toBeTruthy();
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
