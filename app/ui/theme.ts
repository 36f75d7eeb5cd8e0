// The colour theme: the system's (prefers-color-scheme) unless the user picked the other one.
// Only a choice that differs from the system is stored, so choosing the system's theme again means
// "follow the system" from then on. app/layout.tsx applies the stored choice before the first paint.
import { useCallback, useLayoutEffect, useSyncExternalStore } from 'react';
import { readSetting, writeSetting } from './storage';
import { THEME_KEY } from './theme-script';

export type Theme = 'light' | 'dark';

const DARK_QUERY = '(prefers-color-scheme: dark)';
const listeners = new Set<() => void>();

function systemTheme(): Theme {
  return window.matchMedia(DARK_QUERY).matches ? 'dark' : 'light';
}

function storedTheme(): Theme | null {
  const t = readSetting(THEME_KEY);
  return t === 'light' || t === 'dark' ? t : null;
}

function applyTheme(): void {
  const t = storedTheme();
  if (t) document.documentElement.dataset.theme = t;
  else delete document.documentElement.dataset.theme;
}

function subscribe(onChange: () => void): () => void {
  const mq = window.matchMedia(DARK_QUERY);
  // Another tab may switch the theme too.
  const onStorage = (e: StorageEvent) => {
    if (e.key === THEME_KEY) {
      applyTheme();
      onChange();
    }
  };
  mq.addEventListener('change', onChange);
  window.addEventListener('storage', onStorage);
  listeners.add(onChange);
  return () => {
    mq.removeEventListener('change', onChange);
    window.removeEventListener('storage', onStorage);
    listeners.delete(onChange);
  };
}

const getSnapshot = (): Theme => storedTheme() ?? systemTheme();
// The server cannot know; React re-renders with the real value right after hydration.
const getServerSnapshot = (): Theme => 'light';

export function useTheme(): [Theme, () => void] {
  const theme = useSyncExternalStore(subscribe, getSnapshot, getServerSnapshot);
  // React's development remount resets <html>'s attributes; harmless in production.
  useLayoutEffect(applyTheme, []);
  const toggle = useCallback(() => {
    const next: Theme = getSnapshot() === 'dark' ? 'light' : 'dark';
    writeSetting(THEME_KEY, next === systemTheme() ? null : next);
    applyTheme();
    listeners.forEach((l) => l());
  }, []);
  return [theme, toggle];
}
