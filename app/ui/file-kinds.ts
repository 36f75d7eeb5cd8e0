// What kind of file a name is, for the editor: its Monaco language (highlighting) from its
// extension, as Monaco's own registry of languages knows them (.h is C, .hpp C++, .txt plain text),
// and the entry file a program of each language starts with (the name POST /api/compile gives its
// `code`, which compilers print in their messages: the catalogue's `sourceFile`).

import { CATALOGUE } from '@/lib/languages/catalogue';

/** What monaco.languages.getLanguages() says of a language. */
export interface KnownLanguage {
  id: string;
  extensions?: string[];
}

export function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

/** The Monaco language of a file among `known`; `fallback` for an extension none of them claims. */
export function monacoLanguageOf(name: string, known: readonly KnownLanguage[], fallback = 'plaintext'): string {
  const ext = extensionOf(name);
  if (!ext) return fallback;
  return known.find((l) => l.extensions?.some((e) => e.toLowerCase() === ext))?.id ?? fallback;
}

/** The entry file of a program in the language highlighted as `monaco` (a language without one: "main"). */
export function entryFileName(monaco: string | undefined): string {
  return Object.values(CATALOGUE).find((l) => l.monaco === monaco)?.sourceFile ?? 'main';
}

/** A free name for a new file beside `names`: helper.<the entry's extension>, then helper2, ... */
export function suggestFileName(names: readonly string[]): string {
  const ext = extensionOf(names[0] ?? '') || '.txt';
  for (let i = 1; ; i++) {
    const name = `helper${i === 1 ? '' : i}${ext}`;
    if (!names.includes(name)) return name;
  }
}
