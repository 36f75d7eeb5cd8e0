// server.mjs takes where to listen and how to stop from the typed config (lib/config), and a
// malformed setting stops it at start with a message that names the variable.
import { describe, expect, it } from 'vitest';
import { startServer } from './helpers/server';

describe('server start', () => {
  it('exits with a message naming the variable when a setting is malformed', async () => {
    const server = await startServer({ WEBCOMPILE_TIMEOUT_MS: 'abc' }, { waitHealthy: false });
    try {
      expect(await server.exited).toBe(1);
      expect(server.output()).toMatch(/WebCompile cannot start: WEBCOMPILE_TIMEOUT_MS must be a whole number .*"abc"/);
      expect(server.output()).not.toMatch(/listening/);
    } finally {
      await server.stop();
    }
  });

  it('exits when settings contradict each other', async () => {
    const server = await startServer(
      { WEBCOMPILE_TIMEOUT_MS: '3000', WEBCOMPILE_MAX_TIMEOUT_MS: '2000' },
      { waitHealthy: false },
    );
    try {
      expect(await server.exited).toBe(1);
      expect(server.output()).toMatch(/WEBCOMPILE_TIMEOUT_MS must not exceed WEBCOMPILE_MAX_TIMEOUT_MS/);
    } finally {
      await server.stop();
    }
  });
});
