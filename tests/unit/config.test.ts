import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defaults, loadConfig, poolSizeFor, warmCompileTimeoutFor, warmCompilerFor } from '@/lib/config/config';
import { settingsMetadata } from '@/lib/config/metadata';
import { MIN_DEFAULT_MAX_CONTAINERS, settingsSchema } from '@/lib/config/schema';
import { LANGUAGES } from '@/lib/core/languages';

describe('loadConfig', () => {
  it('uses the defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8000,
      host: '0.0.0.0',
      poolSize: 4,
      timeoutMs: 5000,
      outputLimitBytes: 65536,
      corsOrigin: '*',
    });
    expect(c.languages).toEqual(defaults.languages);
  });

  it('reads overrides from the environment', () => {
    const c = loadConfig({
      PORT: '9000',
      HOST: '127.0.0.1',
      WEBCOMPILE_POOL_SIZE: '2',
      WEBCOMPILE_TRUST_PROXY: 'true',
      WEBCOMPILE_LANGUAGES: 'csharp, python',
      WEBCOMPILE_RATE_LIMIT_PER_MINUTE: '0',
    });
    expect(c).toMatchObject({ port: 9000, host: '127.0.0.1', poolSize: 2, trustProxy: true, rateLimitPerMinute: 0 });
    expect(c.languages).toEqual(['csharp', 'python']);
    expect(loadConfig({ WEBCOMPILE_LANGUAGES: 'go,go, c' }).languages).toEqual(['go', 'c']);
  });

  it('rejects malformed values with the variable name', () => {
    expect(() => loadConfig({ WEBCOMPILE_POOL_SIZE: 'many' })).toThrow(/WEBCOMPILE_POOL_SIZE/);
    expect(() => loadConfig({ WEBCOMPILE_TRUST_PROXY: 'perhaps' })).toThrow(/WEBCOMPILE_TRUST_PROXY/);
    expect(() => loadConfig({ WEBCOMPILE_TIMEOUT_MS: '30000', WEBCOMPILE_MAX_TIMEOUT_MS: '1000' })).toThrow(
      /MAX_TIMEOUT/,
    );
    expect(() => loadConfig({ WEBCOMPILE_POOL_SIZE: '1.5' })).toThrow(/whole number/);
    expect(() => loadConfig({ WEBCOMPILE_ACQUIRE_TIMEOUT_MS: '99999999999' })).toThrow(/WEBCOMPILE_ACQUIRE_TIMEOUT_MS/);
    expect(loadConfig({ WEBCOMPILE_CPUS: '0.5' }).cpus).toBe(0.5);
  });

  it('enables every language of the registry by default', () => {
    expect(loadConfig({}).languages).toEqual(Object.keys(LANGUAGES));
    expect(Object.keys(LANGUAGES).length).toBeGreaterThanOrEqual(12);
  });

  it('sizes the C# pool with WEBCOMPILE_POOL_SIZE, the others with the language pool size or their own override', () => {
    const c = loadConfig({
      WEBCOMPILE_POOL_SIZE: '3',
      WEBCOMPILE_LANGUAGE_POOL_SIZE: '2',
      WEBCOMPILE_POOL_SIZE_PYTHON: '5',
    });
    expect(poolSizeFor(c, 'csharp')).toBe(3);
    expect(poolSizeFor(c, 'python')).toBe(5);
    expect(poolSizeFor(c, 'rust')).toBe(2);
    expect(poolSizeFor(loadConfig({ WEBCOMPILE_POOL_SIZE_CSHARP: '6' }), 'csharp')).toBe(6);
    expect(() => loadConfig({ WEBCOMPILE_POOL_SIZE_GO: 'lots' })).toThrow(/WEBCOMPILE_POOL_SIZE_GO/);
  });

  it('defaults the container cap to every pool full plus the main pool again', () => {
    const others = Object.keys(LANGUAGES).length - 1;
    expect(loadConfig({}).maxContainers).toBe(4 + others + 4);
    expect(loadConfig({ WEBCOMPILE_LANGUAGES: 'csharp' }).maxContainers).toBe(8);
    expect(loadConfig({ WEBCOMPILE_LANGUAGES: 'csharp,python', WEBCOMPILE_POOL_SIZE: '10' }).maxContainers).toBe(21);
  });

  it('takes no inherited property of the registry for a language', () => {
    expect(loadConfig({ WEBCOMPILE_LANGUAGES: 'csharp,constructor,__proto__' }).maxContainers).toBe(8);
  });

  it('refuses a container cap below the sum of the pool sizes', () => {
    expect(() =>
      loadConfig({
        WEBCOMPILE_LANGUAGES: 'csharp,python,go',
        WEBCOMPILE_POOL_SIZE: '2',
        WEBCOMPILE_MAX_CONTAINERS: '3',
      }),
    ).toThrow(/WEBCOMPILE_MAX_CONTAINERS \(3\) must be at least the sum of the pool sizes \(4\)/);
    expect(
      loadConfig({
        WEBCOMPILE_LANGUAGES: 'csharp,python,go',
        WEBCOMPILE_POOL_SIZE: '2',
        WEBCOMPILE_MAX_CONTAINERS: '4',
      }).maxContainers,
    ).toBe(4);
  });
});

// ---------------------------------------------------------------------------------------------------
// The settings schema: coercion, defaults, ranges, messages, per-language overrides

const MAX_INT = 2 ** 31 - 1;
const envOf = (key: string) => settingsMetadata.find((m) => m.key === key)!.env;

/** An environment in which any single numeric setting may take any value of its range without a cross-field error. */
const roomy = {
  WEBCOMPILE_LANGUAGES: 'csharp',
  WEBCOMPILE_POOL_SIZE: '1',
  WEBCOMPILE_TIMEOUT_MS: '1',
  WEBCOMPILE_MAX_TIMEOUT_MS: String(MAX_INT),
  WEBCOMPILE_COMPILE_TIMEOUT_MS: '1',
  WEBCOMPILE_MAX_COMPILE_TIMEOUT_MS: String(MAX_INT),
  WEBCOMPILE_CLUSTER_HEARTBEAT_MS: '100',
  WEBCOMPILE_CLUSTER_DEAD_AFTER_MS: String(MAX_INT),
};

/** The schema's JSON Schema, whose properties carry each setting's type, range and default. */
const props = z.toJSONSchema(settingsSchema, { io: 'input' }).properties as Record<string, Record<string, unknown>>;

describe('the settings schema', () => {
  it('coerces numbers from their strings, surrounding spaces allowed', () => {
    expect(loadConfig({ PORT: ' 9000 ' }).port).toBe(9000);
    expect(loadConfig({ WEBCOMPILE_CPUS: '0.25' }).cpus).toBe(0.25);
    expect(loadConfig({ WEBCOMPILE_MAX_QUEUE: '0' }).maxQueue).toBe(0);
  });

  it.each(['WEBCOMPILE_TRUST_PROXY', 'WEBCOMPILE_LOG_SOURCE', 'WEBCOMPILE_WARM_COMPILER'])(
    'reads %s as 1/true/yes/on or 0/false/no/off, any case, spaces around',
    (name) => {
      const key = settingsMetadata.find((m) => m.env === name)!.key as 'trustProxy' | 'logSource' | 'warmCompiler';
      for (const raw of ['1', 'true', 'yes', 'on', 'TRUE', ' Yes ', 'On'])
        expect(loadConfig({ [name]: raw })[key]).toBe(true);
      for (const raw of ['0', 'false', 'no', 'off', 'FALSE', ' No ', 'Off'])
        expect(loadConfig({ [name]: raw })[key]).toBe(false);
      for (const raw of ['2', 'y', 'enabled', 'truthy']) {
        expect(() => loadConfig({ [name]: raw })).toThrow(
          `${name} must be true or false (1/true/yes/on, 0/false/no/off), got "${raw}"`,
        );
      }
    },
  );

  it('takes a blank variable as unset', () => {
    const blank = Object.fromEntries(settingsMetadata.filter((m) => !m.pattern).map((m) => [m.env, '  ']));
    expect(loadConfig(blank)).toEqual(loadConfig({}));
    expect(loadConfig({ WEBCOMPILE_POOL_SIZE_PYTHON: '', WEBCOMPILE_WARM_COMPILE_TIMEOUT_MS_CSHARP: ' ' })).toEqual(
      loadConfig({}),
    );
  });

  it('keeps a string as given', () => {
    const c = loadConfig({
      WEBCOMPILE_CORS_ORIGIN: 'https://a.example',
      WEBCOMPILE_IMAGE_PREFIX: 'registry.local/wc-',
    });
    expect(c).toMatchObject({ corsOrigin: 'https://a.example', imagePrefix: 'registry.local/wc-' });
  });

  it('has the documented defaults', () => {
    expect(defaults).toEqual(loadConfig({}));
    expect(defaults).toMatchObject({
      port: 8000,
      host: '0.0.0.0',
      poolSize: 4,
      languagePoolSize: 1,
      poolSizes: {},
      maxContainers: 4 + (Object.keys(LANGUAGES).length - 1) + 4,
      imagePrefix: 'webcompile/',
      dockerSocket: '/var/run/docker.sock',
      timeoutMs: 5000,
      maxTimeoutMs: 20000,
      compileTimeoutMs: 10000,
      acquireTimeoutMs: 10000,
      maxQueue: 32,
      outputLimitBytes: 65536,
      maxCodeBytes: 65536,
      maxStdinBytes: 65536,
      memoryMb: 256,
      cpus: 1,
      pidsLimit: 64,
      workTmpfsMb: 32,
      corsOrigin: '*',
      rateLimitPerMinute: 30,
      trustProxy: false,
      logDir: 'runs',
      logMaxBytes: 10485760,
      logSource: false,
      shutdownGraceMs: 10000,
      createRetryMaxMs: 5000,
      reconcileIntervalMs: 2000,
      warmCompiler: true,
      compilerPoolSize: 2,
      compilerMemoryMb: 512,
      compilerRecycleAfter: 500,
      compileCacheMb: 64,
      seccompProfile: '/var/lib/webcompile/seccomp.json',
      clientMaxInFlight: 4,
      compilerWaitMs: 250,
      warmCompileTimeoutMs: 3000,
      warmCompileTimeouts: {},
      sandboxRuntime: 'default',
    });
    expect(Object.keys(defaults).sort()).toEqual(settingsMetadata.map((m) => m.key).sort());
  });

  it('has the ranges it had (PORT up to 65535, the rest up to 2^31 - 1)', () => {
    const range = (key: string) => [props[key].type, props[key].minimum, props[key].maximum];
    expect(range('port')).toEqual(['integer', 1, 65535]);
    expect(range('cpus')).toEqual(['number', 0.01, MAX_INT]);
    expect(range('memoryMb')).toEqual(['integer', 16, MAX_INT]);
    expect(range('pidsLimit')).toEqual(['integer', 8, MAX_INT]);
    expect(range('logMaxBytes')).toEqual(['integer', 1024, MAX_INT]);
    expect(range('createRetryMaxMs')).toEqual(['integer', 10, MAX_INT]);
    expect(range('reconcileIntervalMs')).toEqual(['integer', 100, MAX_INT]);
    expect(range('compilerMemoryMb')).toEqual(['integer', 64, MAX_INT]);
    for (const zero of [
      'maxQueue',
      'maxStdinBytes',
      'rateLimitPerMinute',
      'shutdownGraceMs',
      'compileCacheMb',
      'compilerWaitMs',
    ]) {
      expect(range(zero)).toEqual(['integer', 0, MAX_INT]);
    }
  });

  // Every numeric setting, its range read from the schema's JSON Schema: the ends are accepted, what lies
  // beyond them (and a fraction, for whole numbers) is refused with the variable, the range and the value.
  const numeric = Object.entries(props).filter(([, p]) => p.type === 'integer' || p.type === 'number');

  it('has a range for every numeric setting', () => {
    expect(numeric.length).toBeGreaterThan(25);
    for (const [key, p] of numeric)
      expect([key, typeof p.minimum, typeof p.maximum]).toEqual([key, 'number', 'number']);
  });

  it.each(numeric.map(([key, p]) => [envOf(key), key, p] as const))(
    '%s: its range, and its name in a refusal',
    (env, key, p) => {
      const [min, max, whole] = [p.minimum as number, p.maximum as number, p.type === 'integer'];
      const value = (raw: string) => (loadConfig({ ...roomy, [env]: raw }) as unknown as Record<string, unknown>)[key];
      expect(value(String(min))).toBe(min);
      expect(value(String(max))).toBe(max);
      const form = `${whole ? 'a whole number' : 'a number'} from ${min} to ${max}`;
      const refused = [String(max + 1), String(min - (whole ? 1 : 0.001)), 'lots', 'Infinity', '1e400'];
      if (whole) refused.push(String(min + 0.5));
      for (const raw of refused) expect(() => value(raw)).toThrow(`${env} must be ${form}, got "${raw}"`);
    },
  );

  it('refuses a sandbox runtime that is not a plain name, with the value given', () => {
    expect(loadConfig({ WEBCOMPILE_SANDBOX_RUNTIME: 'runsc' }).sandboxRuntime).toBe('runsc');
    expect(() => loadConfig({ WEBCOMPILE_SANDBOX_RUNTIME: 'runsc --debug' })).toThrow(
      'WEBCOMPILE_SANDBOX_RUNTIME must be "default" or the name of a runtime the engine has, got "runsc --debug"',
    );
  });

  it('names every malformed variable at once, in the order of the schema', () => {
    expect(() => loadConfig({ WEBCOMPILE_LOG_SOURCE: 'maybe', WEBCOMPILE_POOL_SIZE_GO: '-1', PORT: '0' })).toThrow(
      'PORT must be a whole number from 1 to 65535, got "0"; ' +
        `WEBCOMPILE_POOL_SIZE_GO must be a whole number from 1 to ${MAX_INT}, got "-1"; ` +
        'WEBCOMPILE_LOG_SOURCE must be true or false (1/true/yes/on, 0/false/no/off), got "maybe"',
    );
  });

  it('keeps the cross-field checks with their messages', () => {
    expect(() => loadConfig({ WEBCOMPILE_TIMEOUT_MS: '20001' })).toThrow(
      'WEBCOMPILE_TIMEOUT_MS must not exceed WEBCOMPILE_MAX_TIMEOUT_MS',
    );
    expect(loadConfig({ WEBCOMPILE_TIMEOUT_MS: '20000' }).timeoutMs).toBe(20000);
    expect(() => loadConfig({ WEBCOMPILE_COMPILE_TIMEOUT_MS: '30001' })).toThrow(
      'WEBCOMPILE_COMPILE_TIMEOUT_MS must not exceed WEBCOMPILE_MAX_COMPILE_TIMEOUT_MS',
    );
    expect(() => loadConfig({ WEBCOMPILE_CLUSTER_HEARTBEAT_MS: '2501' })).toThrow(
      'WEBCOMPILE_CLUSTER_DEAD_AFTER_MS must be at least twice WEBCOMPILE_CLUSTER_HEARTBEAT_MS',
    );
    expect(loadConfig({ WEBCOMPILE_CLUSTER_HEARTBEAT_MS: '2500' }).clusterDeadAfterMs).toBe(5000);
    expect(() => loadConfig({ WEBCOMPILE_LANGUAGES: 'csharp', WEBCOMPILE_MAX_CONTAINERS: '3' })).toThrow(
      'WEBCOMPILE_MAX_CONTAINERS (3) must be at least the sum of the pool sizes (4); raise it, lower ' +
        'WEBCOMPILE_POOL_SIZE / WEBCOMPILE_LANGUAGE_POOL_SIZE, or enable fewer WEBCOMPILE_LANGUAGES',
    );
  });

  it('never computes a container cap below the floor, and takes an explicit one as given', () => {
    expect(loadConfig({ WEBCOMPILE_LANGUAGES: 'csharp', WEBCOMPILE_POOL_SIZE: '1' }).maxContainers).toBe(
      MIN_DEFAULT_MAX_CONTAINERS,
    );
    expect(loadConfig({ WEBCOMPILE_MAX_CONTAINERS: '100' }).maxContainers).toBe(100);
  });
});

describe('per-language overrides', () => {
  it('reads WEBCOMPILE_POOL_SIZE_<ID> for each language named, by its id in lower case', () => {
    const c = loadConfig({
      WEBCOMPILE_POOL_SIZE_PYTHON: '2',
      WEBCOMPILE_POOL_SIZE_GO: ' 3 ',
      WEBCOMPILE_POOL_SIZE_C: '1',
    });
    expect(c.poolSizes).toEqual({ python: 2, go: 3, c: 1 });
    expect(poolSizeFor(c, 'go')).toBe(3);
    expect(poolSizeFor(c, 'ruby')).toBe(c.languagePoolSize);
  });

  it('counts the overrides in the computed container cap and in its check', () => {
    const env = { WEBCOMPILE_LANGUAGES: 'csharp,python', WEBCOMPILE_POOL_SIZE_PYTHON: '7' };
    expect(loadConfig(env).maxContainers).toBe(4 + 7 + 4);
    expect(() => loadConfig({ ...env, WEBCOMPILE_MAX_CONTAINERS: '10' })).toThrow(/sum of the pool sizes \(11\)/);
  });

  it('reads WEBCOMPILE_WARM_COMPILE_TIMEOUT_MS_<ID> the same way', () => {
    const c = loadConfig({
      WEBCOMPILE_WARM_COMPILE_TIMEOUT_MS: '4000',
      WEBCOMPILE_WARM_COMPILE_TIMEOUT_MS_CSHARP: '2000',
    });
    expect(c.warmCompileTimeouts).toEqual({ csharp: 2000 });
    expect(warmCompileTimeoutFor(c, 'csharp')).toBe(2000);
    expect(warmCompileTimeoutFor(c, 'java')).toBe(4000);
  });

  it.each([
    ['WEBCOMPILE_POOL_SIZE_PYTHON', '0'],
    ['WEBCOMPILE_POOL_SIZE_PYTHON', '1.5'],
    ['WEBCOMPILE_WARM_COMPILE_TIMEOUT_MS_CSHARP', 'soon'],
    ['WEBCOMPILE_WARM_COMPILE_TIMEOUT_MS_CSHARP', String(MAX_INT + 1)],
  ])('refuses %s=%s, naming that variable', (name, raw) => {
    expect(() => loadConfig({ [name]: raw })).toThrow(
      `${name} must be a whole number from 1 to ${MAX_INT}, got "${raw}"`,
    );
  });

  it('turns warm compilers off for one language, the others keep WEBCOMPILE_WARM_COMPILER', () => {
    const c = loadConfig({ WEBCOMPILE_WARM_COMPILER_JAVA: 'false', WEBCOMPILE_WARM_COMPILER_CSHARP: 'on' });
    expect(['java', 'csharp', 'typescript'].map((id) => warmCompilerFor(c, id))).toEqual([false, true, true]);
    const off = loadConfig({ WEBCOMPILE_WARM_COMPILER: 'false', WEBCOMPILE_WARM_COMPILER_TYPESCRIPT: 'true' });
    expect(['java', 'typescript'].map((id) => warmCompilerFor(off, id))).toEqual([false, true]);
    expect(() => loadConfig({ WEBCOMPILE_WARM_COMPILER_JAVA: 'maybe' })).toThrow(
      'WEBCOMPILE_WARM_COMPILER_JAVA must be true or false',
    );
  });

  it('takes only upper-case names of the pattern the metadata gives', () => {
    const patterns = settingsMetadata.filter((m) => m.pattern).map((m) => [m.env, m.pattern!] as const);
    expect(patterns.map(([env]) => env)).toEqual([
      'WEBCOMPILE_POOL_SIZE_<ID>',
      'WEBCOMPILE_WARM_COMPILER_<ID>',
      'WEBCOMPILE_WARM_COMPILE_TIMEOUT_MS_<ID>',
    ]);
    const [, pool] = patterns[0];
    expect(pool.test('WEBCOMPILE_POOL_SIZE_PYTHON')).toBe(true);
    expect(pool.test('WEBCOMPILE_POOL_SIZE_python')).toBe(false);
    expect(pool.test('WEBCOMPILE_POOL_SIZE')).toBe(false);
    expect(loadConfig({ WEBCOMPILE_POOL_SIZE_python: '9' }).poolSizes).toEqual({});
  });
});

describe('settings metadata', () => {
  it('gives each setting its variable, shown default and description', () => {
    const byEnv = Object.fromEntries(settingsMetadata.map((m) => [m.env, m]));
    expect(byEnv.PORT).toEqual({ key: 'port', env: 'PORT', default: '8000', description: 'HTTP port' });
    expect(byEnv.HOST.default).toBe('`0.0.0.0`');
    expect(byEnv.WEBCOMPILE_TRUST_PROXY.default).toBe('false');
    expect(byEnv.WEBCOMPILE_LANGUAGES.default).toBe('every language in the registry');
    expect(byEnv.WEBCOMPILE_MAX_CONTAINERS.default).toContain(
      `at least ${MIN_DEFAULT_MAX_CONTAINERS} (${defaults.maxContainers} with every language)`,
    );
    expect(byEnv['WEBCOMPILE_POOL_SIZE_<ID>'].default).toBe('–');
    for (const m of settingsMetadata) expect(m.description.length, m.env).toBeGreaterThan(5);
  });
});
