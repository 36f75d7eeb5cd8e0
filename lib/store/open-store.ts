// Which store the stored submissions live in, from the config: the PostgreSQL database of
// WEBCOMPILE_DATABASE_URL when it is set (several instances share it), else the SQLite file of
// WEBCOMPILE_JUDGE0_DB (this instance alone).
import type { Config } from '../config/config';
import { PostgresSubmissionStore } from './postgres-store';
import { SqliteSubmissionStore } from './sqlite-store';
import type { SubmissionStore } from './submission-store';

/** Opens and migrates the configured store; rejects when it cannot (unreachable, too new, unwritable). */
export async function openSubmissionStore(config: Pick<Config, 'databaseUrl' | 'judge0Db'>): Promise<SubmissionStore> {
  if (config.databaseUrl !== '') return PostgresSubmissionStore.open(config.databaseUrl);
  return SqliteSubmissionStore.open(config.judge0Db);
}
