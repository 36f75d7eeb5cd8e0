import { describe, expect, it } from 'vitest';
import { defaults, loadConfig } from '@/lib/config/config';

describe('loadConfig', () => {
  it('uses the defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8000, poolSize: 4, timeoutMs: 5000, outputLimitBytes: 65536, corsOrigin: '*' });
    expect(c.languages).toEqual(defaults.languages);
  });

  it('reads overrides from the environment', () => {
    const c = loadConfig({
      PORT: '9000',
      WEBCOMPILE_POOL_SIZE: '2',
      WEBCOMPILE_TRUST_PROXY: 'true',
      WEBCOMPILE_LANGUAGES: 'csharp, python',
      WEBCOMPILE_RATE_LIMIT_PER_MINUTE: '0',
    });
    expect(c).toMatchObject({ port: 9000, poolSize: 2, trustProxy: true, rateLimitPerMinute: 0 });
    expect(c.languages).toEqual(['csharp', 'python']);
  });

  it('rejects malformed values with the variable name', () => {
    expect(() => loadConfig({ WEBCOMPILE_POOL_SIZE: 'many' })).toThrow(/WEBCOMPILE_POOL_SIZE/);
    expect(() => loadConfig({ WEBCOMPILE_TRUST_PROXY: 'perhaps' })).toThrow(/WEBCOMPILE_TRUST_PROXY/);
    expect(() => loadConfig({ WEBCOMPILE_TIMEOUT_MS: '30000', WEBCOMPILE_MAX_TIMEOUT_MS: '1000' })).toThrow(/MAX_TIMEOUT/);
  });
});
