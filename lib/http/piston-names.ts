// How Piston names our languages (its runtime names and aliases) and their versions, for the front
// doors that speak Piston's API. A language Piston spells differently keeps our id as an alias.

const PISTON_NAME: Record<string, string> = { cpp: 'c++' };
/** Piston's aliases (engineer-man/piston packages/<name>/<version>/metadata.json), pointing at our ids. */
const ALIASES: Record<string, string> = {
  'c++': 'cpp',
  'g++': 'cpp',
  cs: 'csharp',
  'c#': 'csharp',
  mono: 'csharp',
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
  rs: 'rust',
  golang: 'go',
  sh: 'bash',
  pl: 'perl',
};

/** The name Piston gives one of our languages. */
export function pistonName(id: string): string {
  return PISTON_NAME[id] ?? id;
}

/** Our id for a Piston language name or alias (or our own id), if it is one of `enabled`. */
export function languageFromPiston(name: string, enabled: readonly string[]): string | undefined {
  const id = enabled.includes(name) ? name : ALIASES[name.toLowerCase()];
  return id && enabled.includes(id) ? id : undefined;
}

/** The x.y.z in an image's version label ("rustc 1.63.0" → "1.63.0"), or "0.0.0" when it has none. */
export function semverOf(label: string | null): string {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(label ?? '');
  return m ? `${m[1]}.${m[2]}.${m[3] ?? '0'}` : '0.0.0';
}

/** Piston's version selector: "*" or a prefix of components ("3", "3.11", "3.11.2"), x for any. */
export function versionMatches(selector: string, version: string): boolean {
  if (selector === '*' || selector === 'latest') return true;
  const want = selector.replace(/^[v=]/, '').split('.');
  const have = version.split('.');
  if (want.length > 3 || want.some((p) => !/^(\d+|x|\*)$/.test(p))) return false;
  return want.every((p, i) => p === 'x' || p === '*' || Number(p) === Number(have[i]));
}
