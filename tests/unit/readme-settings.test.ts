// The README's settings table against the settings schema, both ways: every setting has a row with its
// default and description, and every row is a setting. The table is read as the README renders it.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { settingsMetadata } from '@/lib/config/metadata';

const README = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');

interface Row {
  variable: string;
  default: string;
  meaning: string;
}

/** The first table under "## Settings" (the one after it lists what only the setup scripts read). */
function settingsTable(markdown: string): Row[] {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('Settings\n'));
  if (!section) throw new Error('README has no "## Settings" section');
  const lines = section.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| variable | default | meaning |'));
  if (start === -1) throw new Error('the Settings section has no "| variable | default | meaning |" table');
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
  return lines.slice(start + 2, end === -1 ? undefined : end).map((line) => {
    const cells = line.slice(1, -1).split(' | ');
    if (cells.length !== 3) throw new Error(`settings row without 3 cells: ${line}`);
    const [variable, fallback, meaning] = cells.map((c) => c.trim());
    return { variable: variable.replace(/^`|`$/g, ''), default: fallback, meaning };
  });
}

const rows = settingsTable(README);

describe('README settings table', () => {
  it('is found and has one row per variable', () => {
    expect(rows.length).toBeGreaterThan(30);
    const names = rows.map((r) => r.variable);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it.each(settingsMetadata.map((m) => [m.env, m] as const))('has %s with its default and description', (env, m) => {
    const row = rows.find((r) => r.variable === env);
    expect(row, `no row for ${env}`).toBeDefined();
    expect(row).toEqual({ variable: env, default: m.default, meaning: m.description });
  });

  it('has no row that is not a setting', () => {
    const settings = new Set(settingsMetadata.map((m) => m.env));
    expect(rows.map((r) => r.variable).filter((v) => !settings.has(v))).toEqual([]);
  });

  it('names the per-language variables by a pattern their example matches', () => {
    for (const m of settingsMetadata.filter((s) => s.pattern)) {
      const example = /`([A-Z0-9_]+)=(\d+|true|false)`/.exec(m.description)?.[1];
      expect(example && m.pattern!.test(example), `${m.env}: ${m.description}`).toBe(true);
      expect(m.pattern!.test(m.env.replace('<ID>', 'PYTHON'))).toBe(true);
    }
  });
});
