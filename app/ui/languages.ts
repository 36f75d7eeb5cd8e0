'use client';
// The languages, from the catalogue (names, examples, stdin hints: known before any request) and from
// /api/languages (which of them this server runs, and their versions), shared through SWR's cache by
// every component that asks (the picker, the badge, the playground).
import { useMemo } from 'react';
import useSWR from 'swr';
import { catalogueEntry, type LanguageInfo } from '@/lib/languages/catalogue';

/** A catalogue entry with the version the server reports (null until it does, or if it cannot tell). */
export interface ShownLanguage extends LanguageInfo {
  version: string | null;
}

/** The part of /api/languages this page reads; the rest is in the catalogue. */
interface Served {
  id: string;
  version: string | null;
}

/** GETs JSON for SWR; an answer `accept` refuses (by default: not 2xx) is an error. */
export async function fetchJson<T>(url: string, accept: (res: Response) => boolean = (res) => res.ok): Promise<T> {
  const res = await fetch(url, { cache: 'no-store' });
  if (!accept(res)) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** The languages the server runs, once it has said which. */
export function useLanguages(): ShownLanguage[] | undefined {
  const { data } = useSWR('/api/languages', (url: string) => fetchJson<Served[]>(url), { revalidateOnFocus: false });
  return useMemo(() => data && data.flatMap(shown), [data]);
}

/** One language: the server's word when it has answered, the catalogue's before; undefined for an unknown id. */
export function useLanguage(id: string): ShownLanguage | undefined {
  return useLanguages()?.find((l) => l.id === id) ?? shown({ id, version: null })[0];
}

// An id the catalogue does not know (a newer server behind the same address) is left out, not half-described.
function shown({ id, version }: Served): ShownLanguage[] {
  const entry = catalogueEntry(id);
  return entry ? [{ ...entry, version }] : [];
}
