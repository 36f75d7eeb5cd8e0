// openSubmissionStore picks the store from the config: SQLite at WEBCOMPILE_JUDGE0_DB unless
// WEBCOMPILE_DATABASE_URL names a PostgreSQL database (that case runs against a real server in
// tests/integration/postgres-store.test.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '@/lib/config/config';
import { openSubmissionStore } from '@/lib/store/open-store';
import { SqliteSubmissionStore } from '@/lib/store/sqlite-store';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wc-open-store-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('openSubmissionStore', () => {
  it('opens the SQLite file of WEBCOMPILE_JUDGE0_DB when WEBCOMPILE_DATABASE_URL is unset', async () => {
    const file = path.join(dir, 'sub', 'judge0.sqlite');
    const config = loadConfig({ WEBCOMPILE_JUDGE0_DB: file });
    expect(config.databaseUrl).toBe('');
    const store = await openSubmissionStore(config);
    try {
      expect(store).toBeInstanceOf(SqliteSubmissionStore);
      expect(fs.existsSync(file)).toBe(true);
      await store.insert([{ token: 't', client: 'c', request: '{}', createdAt: 1 }]);
      expect((await store.get('t'))?.state).toBe('queued');
    } finally {
      await store.close();
    }
  });

  it('tries PostgreSQL, not the file, when WEBCOMPILE_DATABASE_URL is set, and rejects when it is unreachable', async () => {
    const file = path.join(dir, 'judge0.sqlite');
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const config = { databaseUrl: 'postgres://webcompile@127.0.0.1:1/webcompile', judge0Db: file };
    await expect(openSubmissionStore(config)).rejects.toThrow(/ECONNREFUSED/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('rejects (does not throw) when the SQLite file cannot be opened', async () => {
    const blocker = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocker, '');
    const opening = openSubmissionStore({ databaseUrl: '', judge0Db: path.join(blocker, 'judge0.sqlite') });
    await expect(opening).rejects.toThrow();
  });
});
