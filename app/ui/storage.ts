// The draft (code, stdin, language) and the page's settings live in localStorage so a reload or a
// closed tab loses nothing.
// Storage can be missing or full (private windows, quotas): every access is allowed to fail.
import { asSnapshot, type Snapshot } from './share';

const DRAFT_KEY = 'webcompile:draft';

export function loadDraft(): Snapshot | null {
  try {
    const raw = localStorage.getItem(DRAFT_KEY);
    return raw ? asSnapshot(JSON.parse(raw)) : null;
  } catch {
    return null;
  }
}

export function saveDraft(s: Snapshot): void {
  try {
    localStorage.setItem(DRAFT_KEY, JSON.stringify(s));
  } catch {
    // Nothing to do: the draft just does not survive a reload.
  }
}

export function readSetting(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeSetting(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // The setting then lasts for this page only.
  }
}

const CODE_KEY = 'webcompile:code:';

/** The code last written in one language, so switching languages and back loses nothing. */
export function loadCodeFor(language: string): string | null {
  return readSetting(CODE_KEY + language);
}

export function saveCodeFor(language: string, code: string): void {
  writeSetting(CODE_KEY + language, code);
}

const INTERACTIVE_KEY = 'webcompile:interactive';

/** Whether Run opens an interactive console (remembered per browser; off unless chosen). */
export function loadInteractive(): boolean {
  return readSetting(INTERACTIVE_KEY) === 'on';
}

export function saveInteractive(on: boolean): void {
  writeSetting(INTERACTIVE_KEY, on ? 'on' : null);
}
