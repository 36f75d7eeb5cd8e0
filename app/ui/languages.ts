'use client';
// The enabled languages, from /api/languages, shared through SWR's cache by every component that
// asks (the picker, the badge, the playground).
import useSWR from 'swr';

export interface LanguageInfo {
  id: string;
  name: string;
  monaco: string;
  compiled: boolean;
  version: string | null;
  example: string;
}

/** GETs JSON for SWR; an answer `accept` refuses (by default: not 2xx) is an error. */
export async function fetchJson<T>(url: string, accept: (res: Response) => boolean = (res) => res.ok): Promise<T> {
  const res = await fetch(url, { cache: 'no-store' });
  if (!accept(res)) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as T;
}

export function useLanguages(): LanguageInfo[] | undefined {
  return useSWR('/api/languages', (url: string) => fetchJson<LanguageInfo[]>(url), { revalidateOnFocus: false }).data;
}

/** How each language's program reads its input, for the stdin box. */
export const STDIN_HINT: Record<string, string> = {
  csharp: 'read with Console.ReadLine()',
  python: 'read with input()',
  java: 'read with Scanner(System.in)',
  c: 'read with scanf / fgets',
  cpp: 'read with std::cin',
  go: 'read with bufio.Scanner(os.Stdin)',
  rust: 'read with std::io::stdin()',
};
