// How Piston names our languages (its runtime names and aliases) and their versions, for the front
// doors that speak Piston's API. A language Piston spells differently keeps our id as an alias.

import semver from 'semver';

const PISTON_NAME: Record<string, string> = { cpp: 'c++' };
/** Piston's aliases (engineer-man/piston packages/<name>/<version>/metadata.json), pointing at our ids. */
const ALIASES: Record<string, string> = {
  'c++': 'cpp',
  'g++': 'cpp',
  cs: 'csharp',
  'c#': 'csharp',
  mono: 'csharp',
  'mono-csharp': 'csharp',
  'mono-c#': 'csharp',
  'mono-cs': 'csharp',
  'csharp.net': 'csharp',
  gcc: 'c',
  js: 'javascript',
  node: 'javascript',
  'node-js': 'javascript',
  'node-javascript': 'javascript',
  ts: 'typescript',
  'node-ts': 'typescript',
  tsc: 'typescript',
  py: 'python',
  py3: 'python',
  python3: 'python',
  rb: 'ruby',
  ruby3: 'ruby',
  rs: 'rust',
  golang: 'go',
  sh: 'bash',
  pl: 'perl',
};

/**
 * The aliases Piston's packages give each of our languages (packages/<name>/<version>/metadata.json
 * of the version nearest ours), and the package (`runtime`) where one package provides several
 * languages. Python's alias names its minor version (python3.11).
 */
const PACKAGE_ALIASES: Record<string, readonly string[]> = {
  csharp: ['mono', 'mono-csharp', 'mono-c#', 'mono-cs', 'c#', 'cs'],
  python: ['py', 'py3', 'python3'],
  javascript: ['node-javascript', 'node-js', 'javascript', 'js'],
  typescript: ['ts', 'node-ts', 'tsc'],
  c: ['gcc'],
  cpp: ['cpp', 'g++'],
  go: ['go', 'golang'],
  java: [],
  rust: ['rs'],
  ruby: ['ruby3', 'rb'],
  php: [],
  bash: ['sh'],
  lua: [],
  perl: ['pl'],
};
const PACKAGE: Record<string, string> = { csharp: 'mono', javascript: 'node', c: 'gcc', cpp: 'gcc' };

/** The aliases GET /api/v2/runtimes lists for one of our languages at its version (x.y.z). */
export function pistonAliases(id: string, version: string): string[] {
  const aliases = [...(PACKAGE_ALIASES[id] ?? [])];
  if (id === 'python' && version) aliases.push(`python${version.split('.').slice(0, 2).join('.')}`);
  return aliases;
}

/** The Piston package that provides a language, where it provides several (`runtime` of /api/v2/runtimes). */
export function pistonRuntime(id: string): string | undefined {
  return PACKAGE[id];
}

/** The name Piston gives one of our languages. */
export function pistonName(id: string): string {
  return PISTON_NAME[id] ?? id;
}

/**
 * Our id for a Piston language name or alias (or our own id), if it is one of `enabled`; with the
 * languages' versions, a versioned alias (python3.11) too.
 */
export function languageFromPiston(
  name: string,
  enabled: readonly string[],
  versions: Record<string, string> = {},
): string | undefined {
  const id = enabled.includes(name)
    ? name
    : (ALIASES[name.toLowerCase()] ?? enabled.find((e) => pistonAliases(e, versions[e] ?? '').includes(name)));
  return id && enabled.includes(id) ? id : undefined;
}

/** The x.y.z in an image's version label ("rustc 1.63.0" → "1.63.0"), or "0.0.0" when it has none. */
export function semverOf(label: string | null): string {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(label ?? '');
  return m ? `${m[1]}.${m[2]}.${m[3] ?? '0'}` : '0.0.0';
}

/** Each of `languages`' versions (x.y.z), from what the images' labels say. */
export async function versionsOf(
  images: { info(language: string): Promise<{ version: string | null } | null> },
  languages: readonly string[],
): Promise<Record<string, string>> {
  const infos = await Promise.all(languages.map((id) => images.info(id)));
  return Object.fromEntries(languages.map((id, i) => [id, semverOf(infos[i]?.version ?? null)]));
}

/**
 * Piston's version selector, as Piston reads it: a SemVer range (node-semver's `satisfies`): `*`, a
 * prefix ("3", "3.11"), `3.x`, `^3.10`, `>=3 <4`, `~1.63`, `3.11.2`. Anything else matches nothing.
 */
export function versionMatches(selector: string, version: string): boolean {
  return semver.satisfies(version, selector);
}

/** Piston's (isolate's) signal names by number. */
const SIGNAL_NAMES = [
  ...'HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS'.split(
    ' ',
  ),
];
export function signalName(n: number): string {
  if (n >= 1 && n <= 31) return `SIG${SIGNAL_NAMES[n - 1]}`;
  if (n === 34) return 'SIGRTMIN';
  if (n >= 35 && n <= 49) return `SIGRTMIN+${n - 34}`;
  if (n >= 50 && n <= 63) return `SIGRTMAX-${64 - n}`;
  if (n === 64) return 'SIGRTMAX';
  return `SIG${n}`;
}
