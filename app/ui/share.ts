// Share links carry the whole program in the URL fragment, compressed with lz-string: no database,
// and the fragment never reaches the server (nor its logs).
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { catalogueEntry, MAIN_LANGUAGE } from '@/lib/languages/catalogue';
import { entryFileName } from './file-kinds';
import { newNameProblem } from './file-names';

export interface SourceFile {
  name: string;
  content: string;
}

/** A test case as typed: its arguments are the line of its Arguments field (split when sent). */
export interface TestCase {
  stdin: string;
  args: string;
  expectedOutput: string;
}

/** The program and what it runs with; the first file is the entry. */
export interface Snapshot {
  files: SourceFile[];
  stdin: string;
  language: string;
  /** The Arguments field's line, as typed (its quoting is the user's). */
  args: string;
  tests: TestCase[];
}

const PREFIX = '#s=';

/** The fields that are not at their empty value, so a link without arguments or tests stays short. */
function wire(s: Snapshot): Record<string, unknown> {
  const files = s.files.map((f) => ({ name: f.name, content: f.content }));
  return {
    files,
    stdin: s.stdin,
    language: s.language,
    ...(s.args ? { args: s.args } : {}),
    ...(s.tests.length
      ? { tests: s.tests.map((t) => ({ stdin: t.stdin, args: t.args, expectedOutput: t.expectedOutput })) }
      : {}),
  };
}

export function encodeFragment(s: Snapshot): string {
  return PREFIX + compressToEncodedURIComponent(JSON.stringify(wire(s)));
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';

function asFiles(value: unknown): SourceFile[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const files: SourceFile[] = [];
  for (const f of value) {
    if (!isRecord(f) || !isString(f.name) || !isString(f.content)) return null;
    // Names become editor models' paths and the request's names: one bad or repeated name spoils the lot.
    if (
      newNameProblem(
        f.name,
        files.map((g) => g.name),
      )
    )
      return null;
    files.push({ name: f.name, content: f.content });
  }
  return files;
}

function asTests(value: unknown): TestCase[] | null {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return null;
  const tests: TestCase[] = [];
  for (const t of value) {
    if (!isRecord(t)) return null;
    const { stdin = '', args = '', expectedOutput = '' } = t;
    if (!isString(stdin) || !isString(args) || !isString(expectedOutput)) return null;
    tests.push({ stdin, args, expectedOutput });
  }
  return tests;
}

/**
 * Checks the shape as well: a fragment is user input and may be anything. Links and drafts from
 * before programs had several files hold `code`: that is the entry file, alone.
 */
export function asSnapshot(value: unknown): Snapshot | null {
  if (!isRecord(value)) return null;
  const { code, stdin = '', language = MAIN_LANGUAGE, args = '' } = value;
  if (!isString(stdin) || !isString(language) || !isString(args)) return null;
  const files = isString(code)
    ? [{ name: entryFileName(catalogueEntry(language)?.monaco), content: code }]
    : asFiles(value.files);
  const tests = asTests(value.tests);
  if (!files || !tests) return null;
  return { files, stdin, language, args, tests };
}

export function decodeFragment(hash: string): Snapshot | null {
  if (!hash.startsWith(PREFIX)) return null;
  try {
    const json = decompressFromEncodedURIComponent(hash.slice(PREFIX.length));
    return json ? asSnapshot(JSON.parse(json)) : null;
  } catch {
    return null;
  }
}

export function isShareFragment(hash: string): boolean {
  return hash.startsWith(PREFIX);
}

export function shareUrl(location: Pick<Location, 'origin' | 'pathname' | 'search'>, s: Snapshot): string {
  return location.origin + location.pathname + location.search + encodeFragment(s);
}
