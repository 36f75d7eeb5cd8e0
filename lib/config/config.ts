// Every limit and default of WebCompile, in one typed object read from the environment. What each
// setting is (variable, default, range, description) is defined once, in ./schema.ts; here is what
// spans settings: the computed container cap, the per-language lookups and the cross-field checks.

import type { z } from 'zod';
import { isLanguageId, MAIN_LANGUAGE } from '../languages/catalogue';
import { MIN_DEFAULT_MAX_CONTAINERS, SETTINGS, settingsSchema, type SettingKey } from './schema';

export type Config = Omit<z.output<typeof settingsSchema>, 'maxContainers'> & { maxContainers: number };

type Env = Record<string, string | undefined>;

/** How long a warm compiler of one language may spend on one compile before the sandbox takes over. */
export function warmCompileTimeoutFor(
  c: Pick<Config, 'warmCompileTimeoutMs' | 'warmCompileTimeouts'>,
  languageId: string,
): number {
  return c.warmCompileTimeouts[languageId] ?? c.warmCompileTimeoutMs;
}

/** Whether a language that has warm compilers uses them. */
export function warmCompilerFor(c: Pick<Config, 'warmCompiler' | 'warmCompilers'>, languageId: string): boolean {
  return c.warmCompilers[languageId] ?? c.warmCompiler;
}

/** How many ready containers the pool of one language keeps. */
export function poolSizeFor(
  c: Pick<Config, 'poolSize' | 'languagePoolSize' | 'poolSizes'>,
  languageId: string,
): number {
  return c.poolSizes[languageId] ?? (languageId === MAIN_LANGUAGE ? c.poolSize : c.languagePoolSize);
}

/** A blank variable counts as unset, so its default applies. */
const given = (raw: string | undefined) => (raw === undefined || raw.trim() === '' ? undefined : raw);

/** Each setting's string from the environment; the per-language ones as { python: '2' }. */
function read(env: Env): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(SETTINGS)) {
    if (!('prefix' in s)) {
      input[key] = given(env[s.env]);
      continue;
    }
    const values: Record<string, string> = {};
    for (const name of Object.keys(env)) {
      const m = s.pattern.exec(name);
      const raw = given(env[name]);
      if (m && raw !== undefined) values[m[1].toLowerCase()] = raw;
    }
    input[key] = values;
  }
  return input;
}

/** The variable an issue of the settings schema is about: its path is [key] or, per language, [key, id]. */
function variableOf(path: PropertyKey[]): string {
  const s = SETTINGS[path[0] as SettingKey];
  return 'prefix' in s ? `${s.prefix}_${String(path[1]).toUpperCase()}` : s.env;
}

/** Reads the config from an environment (process.env by default). Throws on a malformed value. */
export function loadConfig(env: Env = process.env): Config {
  const parsed = settingsSchema.safeParse(read(env));
  if (!parsed.success) {
    // Every malformed variable at once, each as "NAME must be <accepted form>, got "<value>"".
    const problems = parsed.error.issues.map((issue) => {
      const name = variableOf(issue.path);
      return `${name} must be ${issue.message}, got "${env[name]}"`;
    });
    throw new Error(problems.join('; '));
  }
  const s = parsed.data;
  const ready = s.languages.filter((id) => isLanguageId(id)).reduce((sum, id) => sum + poolSizeFor(s, id), 0);
  const c: Config = {
    ...s,
    maxContainers: s.maxContainers ?? Math.max(MIN_DEFAULT_MAX_CONTAINERS, ready + s.poolSize),
  };
  if (c.timeoutMs > c.maxTimeoutMs) throw new Error('WEBCOMPILE_TIMEOUT_MS must not exceed WEBCOMPILE_MAX_TIMEOUT_MS');
  if (c.compileTimeoutMs > c.maxCompileTimeoutMs) {
    throw new Error('WEBCOMPILE_COMPILE_TIMEOUT_MS must not exceed WEBCOMPILE_MAX_COMPILE_TIMEOUT_MS');
  }
  // A heartbeat late by one beat must not make a live instance look gone.
  if (c.clusterDeadAfterMs < 2 * c.clusterHeartbeatMs) {
    throw new Error('WEBCOMPILE_CLUSTER_DEAD_AFTER_MS must be at least twice WEBCOMPILE_CLUSTER_HEARTBEAT_MS');
  }
  // Below this, a pool could wait forever for a slot that other pools' idle containers hold.
  if (c.maxContainers < ready) {
    throw new Error(
      `WEBCOMPILE_MAX_CONTAINERS (${c.maxContainers}) must be at least the sum of the pool sizes (${ready}); ` +
        'raise it, lower WEBCOMPILE_POOL_SIZE / WEBCOMPILE_LANGUAGE_POOL_SIZE, or enable fewer WEBCOMPILE_LANGUAGES',
    );
  }
  return c;
}

/** The config of an empty environment: every default, the container cap computed for every language. */
export const defaults: Config = loadConfig({});
