// Share links carry the whole program in the URL fragment, compressed with lz-string: no database,
// and the fragment never reaches the server (nor its logs).
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { MAIN_LANGUAGE } from '@/lib/languages/catalogue';

export interface Snapshot {
  code: string;
  stdin: string;
  language: string;
}

const PREFIX = '#s=';

export function encodeFragment(s: Snapshot): string {
  return PREFIX + compressToEncodedURIComponent(JSON.stringify({ code: s.code, stdin: s.stdin, language: s.language }));
}

/** Checks the shape as well: a fragment is user input and may be anything. */
export function asSnapshot(value: unknown): Snapshot | null {
  if (value === null || typeof value !== 'object') return null;
  const { code, stdin = '', language = MAIN_LANGUAGE } = value as Record<string, unknown>;
  if (typeof code !== 'string' || typeof stdin !== 'string' || typeof language !== 'string') return null;
  return { code, stdin, language };
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
