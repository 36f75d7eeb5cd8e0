'use client';
// Whether the service can take a run right now, polled from /api/health. A 503 still has a JSON
// body with the reason, so it is data here, not an error.
import useSWR from 'swr';
import { fetchJson, useLanguage } from './languages';

interface Health {
  ok: boolean;
  ready: number;
  reason: string | null;
}

const fetchHealth = (url: string) => fetchJson<Health>(url, (res) => res.ok || res.status === 503);

export function StatusLine() {
  const { data, error } = useSWR('/api/health', fetchHealth, { refreshInterval: 5000 });
  let tone = 'idle';
  let text = 'Checking the service…';
  if (error) {
    tone = 'bad';
    text = 'Service unreachable';
  } else if (data?.ok) {
    tone = 'good';
    text = `Ready · ${data.ready} sandbox${data.ready === 1 ? '' : 'es'} warm`;
  } else if (data) {
    tone = 'warn';
    text = `Not ready: ${data.reason ?? 'unknown reason'}`;
  }
  return (
    <span className={`service ${tone}`} data-testid="service-status" role="status">
      <span className="dot" aria-hidden="true" />
      {text}
    </span>
  );
}

/** "C# (Mono) · Mono 6.8…": what the sandbox runs, so nobody expects .NET 9 features. */
export function LanguageBadge({ language }: { language: string }) {
  const info = useLanguage(language);
  return (
    <span className="lang-badge" title={info?.version ?? undefined}>
      {info?.name ?? language}
      {info?.version && <span className="lang-version"> · {shortVersion(info.version)}</span>}
    </span>
  );
}

/** "Mono 6.8.0.105+dfsg-3.3+deb12u1, mcs 6.8.0.105" → "Mono 6.8.0.105"; the whole string is the tooltip. */
function shortVersion(v: string): string {
  return /^[^,+]+/.exec(v)?.[0].trim() ?? v;
}
