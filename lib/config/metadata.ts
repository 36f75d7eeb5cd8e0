// What the README's settings table says of each setting, derived from the schema: the variable, the
// default as the table shows it and the description (tests/unit/readme-settings.test.ts compares them).

import { defaults, type Config } from './config';
import { SETTINGS, type SettingKey } from './schema';

export interface SettingMetadata {
  key: SettingKey;
  /** The variable; for a per-language setting its pattern's spelling, e.g. WEBCOMPILE_POOL_SIZE_<ID>. */
  env: string;
  /** The default as the README shows it: numbers and booleans bare, strings in backticks, '–' for none. */
  default: string;
  description: string;
  /** Per-language settings only: the variables it reads; the group is the language id, upper case. */
  pattern?: RegExp;
}

function show(value: unknown): string {
  return typeof value === 'string' ? `\`${value}\`` : String(value);
}

function metadataOf<K extends SettingKey>(key: K): SettingMetadata {
  const s = SETTINGS[key];
  const description = s.schema.description ?? '';
  if ('prefix' in s) return { key, env: `${s.prefix}_<ID>`, default: '–', description, pattern: s.pattern };
  const value = defaults[key as keyof Config];
  const shown = s.shown as ((v: unknown) => string) | undefined;
  return { key, env: s.env, default: shown ? shown(value) : show(value), description };
}

export const settingsMetadata: readonly SettingMetadata[] = (Object.keys(SETTINGS) as SettingKey[]).map(metadataOf);
