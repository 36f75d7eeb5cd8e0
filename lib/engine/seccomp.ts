// The seccomp profile sandboxes and warm compilers get. scripts/seccomp.sh writes it at setup: the
// engine's own default profile for a container without capabilities, narrowed to the native syscall
// ABI and without the syscalls of seccomp-denied.json, and next to it a stamp whose first line is
// the engine version it came from. Without that file, or when the engine is not the one it came from
// any more (an upgrade changes the default rules), the engine's own default profile applies: still
// an allowlist, but it also admits the 32-bit ABIs, costs more to compile at every container start,
// and (Docker 20.10's) allows io_uring and ptrace.

import fs from 'node:fs';
import deniedList from './seccomp-denied.json';

/**
 * Syscalls no sandbox or warm compiler may make (no language here needs them; io_uring has a long
 * history of kernel bugs, and later engine defaults dropped it). The list lives in the JSON file so
 * that scripts/seccomp.sh, which drops them from the profile it writes, reads the same one.
 */
export const DENIED_SYSCALLS: readonly string[] = deniedList;
const DENIED = new Set(DENIED_SYSCALLS);

export interface SeccompChoice {
  /** The profile as JSON text for SecurityOpt "seccomp=...", or undefined for the engine's default. */
  json?: string;
  /** The engine version the profile was derived from. */
  engineVersion?: string;
  /** What /api/stats reports. */
  source: 'native-abi' | 'engine-default';
  /** Why the engine's default is used when a profile was asked for. */
  problem?: string;
}

/** The architecture libseccomp calls this machine's native one. */
export const NATIVE_ARCH: string | undefined = (
  { x64: 'SCMP_ARCH_X86_64', arm64: 'SCMP_ARCH_AARCH64' } as Record<string, string>
)[process.arch];

/** Actions that deny: as the default action they make the profile an allowlist. */
const DENYING = new Set([
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_KILL',
  'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_TRAP',
]);

/**
 * Reads the profile at `path` ("default": the engine's own). Never throws: the engine's default is
 * safe. Accepts only what setup writes: an allowlist for the native ABI alone that allows none of
 * DENIED_SYSCALLS (a profile from an older setup may), in a file only its owner may change (anyone
 * else could otherwise loosen every sandbox).
 */
export function readSeccompProfile(path: string): SeccompChoice {
  if (path === 'default') return { source: 'engine-default' };
  const fallback = (problem: string): SeccompChoice => ({ source: 'engine-default', problem: `${path}: ${problem}` });
  let text: string;
  let mode: number;
  try {
    mode = fs.statSync(path).mode;
    text = fs.readFileSync(path, 'utf8');
  } catch {
    return fallback('missing (npm run setup writes it)');
  }
  if (mode & 0o022) return fallback('others may write it');
  let profile: { defaultAction?: unknown; architectures?: unknown; syscalls?: unknown };
  try {
    profile = JSON.parse(text);
  } catch {
    return fallback('not JSON');
  }
  if (typeof profile.defaultAction !== 'string' || !DENYING.has(profile.defaultAction)) {
    return fallback('its default action does not deny');
  }
  if (!Array.isArray(profile.syscalls) || profile.syscalls.length === 0) return fallback('it allows no syscalls');
  const arches = profile.architectures;
  if (!NATIVE_ARCH || !Array.isArray(arches) || arches.length !== 1 || arches[0] !== NATIVE_ARCH) {
    return fallback(`its architectures are not just ${NATIVE_ARCH ?? "this machine's"}`);
  }
  const allowed = allowedOfDenied(profile.syscalls);
  if (allowed.length > 0)
    return fallback(`it allows ${allowed.join(', ')} (an older setup wrote it; run npm run setup)`);
  let engineVersion: string | undefined;
  try {
    engineVersion = fs.readFileSync(`${path}.engine`, 'utf8').split('\n')[0].trim() || undefined;
  } catch {
    // checked against the engine by the caller: no version, no match
  }
  return { json: JSON.stringify(profile), engineVersion, source: 'native-abi' };
}

/** The syscalls of DENIED_SYSCALLS that a rule of `rules` allows: one that names them and does not deny. */
function allowedOfDenied(rules: unknown[]): string[] {
  const allowed = new Set<string>();
  for (const rule of rules) {
    const { action, names, name } = (rule ?? {}) as { action?: unknown; names?: unknown; name?: unknown };
    if (typeof action === 'string' && DENYING.has(action)) continue;
    for (const n of [...(Array.isArray(names) ? names : []), name]) {
      if (typeof n === 'string' && DENIED.has(n)) allowed.add(n);
    }
  }
  return [...allowed].sort();
}

/** The engine's default applies when the profile came from another engine version (or an unknown one). */
export function checkEngineVersion(choice: SeccompChoice, engineVersion: string): SeccompChoice {
  if (choice.source !== 'native-abi' || choice.engineVersion === engineVersion) return choice;
  return {
    source: 'engine-default',
    problem: `the profile was derived from engine ${choice.engineVersion ?? '(unknown)'}, the engine is ${engineVersion}; run npm run setup`,
  };
}
