// Our languages under Judge0's ids and names. The ids are Judge0 CE 1.13's for the same language
// (its seed, db/languages/active.rb), so a client's hard-coded ids work; the names carry our
// versions ("Python (3.11.2)"), read from the images' labels, in Judge0's "Name (Tool version)" form.

import { commandsFor, LANGUAGES } from '../core/languages';

interface Judge0Language {
  id: number;
  /** The name before the version: "C (GCC 12.2.0)" is "C" and "GCC". */
  name: string;
  tool?: string;
}

const BY_OURS: Record<string, Judge0Language> = {
  bash: { id: 46, name: 'Bash' },
  c: { id: 50, name: 'C', tool: 'GCC' },
  csharp: { id: 51, name: 'C#', tool: 'Mono' },
  cpp: { id: 54, name: 'C++', tool: 'GCC' },
  go: { id: 60, name: 'Go' },
  java: { id: 62, name: 'Java', tool: 'OpenJDK' },
  javascript: { id: 63, name: 'JavaScript', tool: 'Node.js' },
  lua: { id: 64, name: 'Lua' },
  php: { id: 68, name: 'PHP' },
  python: { id: 71, name: 'Python' },
  ruby: { id: 72, name: 'Ruby' },
  rust: { id: 73, name: 'Rust' },
  typescript: { id: 74, name: 'TypeScript' },
  perl: { id: 85, name: 'Perl' },
};

export function judge0Id(ours: string): number | null {
  return BY_OURS[ours]?.id ?? null;
}

/** Our language of a Judge0 id, among `enabled`; null for an id we do not run. */
export function oursOf(id: number, enabled: readonly string[]): string | null {
  return enabled.find((ours) => BY_OURS[ours]?.id === id) ?? null;
}

/** The version in an image's label ("Python 3.11.2" or "3.11.2" both give "3.11.2"). */
function versionIn(label: string | null): string | null {
  return /\d+(?:\.\d+)+/.exec(label ?? '')?.[0] ?? null;
}

export function judge0Name(ours: string, versionLabel: string | null): string {
  const j = BY_OURS[ours];
  const version = versionIn(versionLabel);
  const inside = [j.tool, version].filter(Boolean).join(' ');
  return inside ? `${j.name} (${inside})` : j.name;
}

/** GET /languages/:id's details: the file the source is written to and the commands (argv, no shell). */
export function languageDetails(ours: string) {
  const language = LANGUAGES[ours];
  const commands = commandsFor(language);
  return {
    source_file: language.sourceFile,
    compile_cmd: commands.compile ? commands.compile.join(' ') : null,
    run_cmd: commands.run.join(' '),
  };
}

/** Judge0 orders languages by name with a locale collation (punctuation and case ignored at first). */
export const byName = new Intl.Collator('en', { sensitivity: 'base', ignorePunctuation: true }).compare;
