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

async function fetchLanguages(url: string): Promise<LanguageInfo[]> {
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as LanguageInfo[];
}

export function useLanguages(): LanguageInfo[] | undefined {
  return useSWR('/api/languages', fetchLanguages, { revalidateOnFocus: false }).data;
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
