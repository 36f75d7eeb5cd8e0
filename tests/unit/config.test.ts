import { describe, expect, it } from 'vitest';
import { defaults, loadConfig, poolSizeFor } from '@/lib/config/config';
import { LANGUAGES } from '@/lib/core/languages';

describe('loadConfig', () => {
  it('uses the defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8000, host: '0.0.0.0', poolSize: 4, timeoutMs: 5000, outputLimitBytes: 65536, corsOrigin: '*' });
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
    expect(() => loadConfig({ WEBCOMPILE_TIMEOUT_MS: '30000', WEBCOMPILE_MAX_TIMEOUT_MS: '1000' })).toThrow(/MAX_TIMEOUT/);
    expect(() => loadConfig({ WEBCOMPILE_POOL_SIZE: '1.5' })).toThrow(/whole number/);
    expect(() => loadConfig({ WEBCOMPILE_ACQUIRE_TIMEOUT_MS: '99999999999' })).toThrow(/WEBCOMPILE_ACQUIRE_TIMEOUT_MS/);
    expect(loadConfig({ WEBCOMPILE_CPUS: '0.5' }).cpus).toBe(0.5);
  });

  it('enables every language of the registry by default', () => {
    expect(loadConfig({}).languages).toEqual(Object.keys(LANGUAGES));
    expect(Object.keys(LANGUAGES).length).toBeGreaterThanOrEqual(12);
  });

  it('sizes the C# pool with WEBCOMPILE_POOL_SIZE, the others with the language pool size or their own override', () => {
    const c = loadConfig({ WEBCOMPILE_POOL_SIZE: '3', WEBCOMPILE_LANGUAGE_POOL_SIZE: '2', WEBCOMPILE_POOL_SIZE_PYTHON: '5' });
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
    expect(() => loadConfig({ WEBCOMPILE_LANGUAGES: 'csharp,python,go', WEBCOMPILE_POOL_SIZE: '2', WEBCOMPILE_MAX_CONTAINERS: '3' })).toThrow(
      /WEBCOMPILE_MAX_CONTAINERS \(3\) must be at least the sum of the pool sizes \(4\)/,
    );
    expect(loadConfig({ WEBCOMPILE_LANGUAGES: 'csharp,python,go', WEBCOMPILE_POOL_SIZE: '2', WEBCOMPILE_MAX_CONTAINERS: '4' }).maxContainers).toBe(4);
  });
});
