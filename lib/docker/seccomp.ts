// The seccomp profile sandboxes and warm compilers get. scripts/seccomp.sh writes it at setup: the
// engine's own default profile for a container without capabilities, narrowed to the native syscall
// ABI. Without that file the engine's default profile applies (still an allowlist, but it also
// admits the 32-bit ABIs and costs more to compile at every container start).

import fs from 'node:fs';

export interface SeccompChoice {
  /** The profile as JSON text for SecurityOpt "seccomp=...", or undefined for the engine's default. */
  json?: string;
  /** What /api/stats reports. */
  source: 'native-abi' | 'engine-default';
  /** Why the engine's default is used when a profile was asked for. */
  problem?: string;
}

/** Reads the profile at `path` ("default": the engine's own). Never throws: the engine default is safe. */
export function readSeccompProfile(path: string): SeccompChoice {
  if (path === 'default') return { source: 'engine-default' };
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch {
    return { source: 'engine-default', problem: `${path} is missing (npm run setup writes it)` };
  }
  try {
    const profile = JSON.parse(text) as { defaultAction?: unknown; architectures?: unknown; syscalls?: unknown };
    if (typeof profile.defaultAction !== 'string' || !Array.isArray(profile.syscalls) || !Array.isArray(profile.architectures)) {
      throw new Error('not a seccomp profile');
    }
    return { json: JSON.stringify(profile), source: 'native-abi' };
  } catch (e) {
    return { source: 'engine-default', problem: `${path}: ${e instanceof Error ? e.message : String(e)}` };
  }
}
