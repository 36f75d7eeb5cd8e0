// A stored submission as Judge0 answers it: the asked-for fields in Judge0's order, times as decimal
// strings in seconds, memory in KB, and, with base64_encoded=true, the texts in Ruby's base64
// (additional_files is base64 always).

import { isUtf8 } from 'node:buffer';
import type { StoredSubmission } from '../store/submission-store';
import { encode64, encodeText } from './base64';
import { decimalString, secondsString } from './decimal';
import type { Field } from './fields';
import { IN_QUEUE, PROCESSING, statusOf } from './statuses';
import type { CheckedSubmission } from './submission-request';
import type { Judge0Result } from './verdict';

/** The texts base64_encoded=true encodes. */
const ENCODED = new Set<Field>([
  'source_code',
  'stdin',
  'expected_output',
  'stdout',
  'stderr',
  'compile_output',
  'message',
]);

export interface Parsed {
  token: string;
  state: StoredSubmission['state'];
  request: CheckedSubmission;
  result: Judge0Result | null;
  createdAt: number;
  finishedAt: number | null;
}

export function parseStored(row: StoredSubmission): Parsed {
  return {
    token: row.token,
    state: row.state,
    request: JSON.parse(row.request) as CheckedSubmission,
    result: row.result === null ? null : (JSON.parse(row.result) as Judge0Result),
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
  };
}

export function statusIdOf(p: Pick<Parsed, 'state' | 'result'>): number {
  if (p.state === 'queued') return IN_QUEUE;
  if (p.state === 'running' || p.result === null) return PROCESSING;
  return p.result.status_id;
}

function value(p: Parsed, field: Field, languageName: (id: number) => string): unknown {
  const q = p.request;
  const r = p.result;
  switch (field) {
    case 'source_code':
    case 'stdin':
    case 'expected_output':
      return q[field];
    case 'stdout':
    case 'stderr':
    case 'compile_output':
    case 'message':
    case 'exit_code':
    case 'exit_signal':
    case 'memory':
      return r ? r[field] : null;
    case 'time':
    case 'wall_time':
      return r && r[field] !== null ? secondsString(r[field]) : null;
    case 'status_id':
      return statusIdOf(p);
    case 'status':
      return statusOf(statusIdOf(p));
    case 'language':
      return { id: q.language_id, name: languageName(q.language_id) };
    case 'created_at':
      return new Date(p.createdAt).toISOString();
    case 'finished_at':
      return p.finishedAt === null ? null : new Date(p.finishedAt).toISOString();
    case 'token':
      return p.token;
    case 'cpu_time_limit':
    case 'cpu_extra_time':
    case 'wall_time_limit':
      return decimalString(q[field]);
    default:
      return q[field];
  }
}

/** Plain mode cannot carry output that is no UTF-8: Judge0 then asks for base64_encoded=true. */
export class NotUtf8Error extends Error {}

export function serialize(
  p: Parsed,
  fields: readonly Field[],
  base64: boolean,
  languageName: (id: number) => string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = field === 'stdout' || field === 'stderr' ? p.result?.raw?.[field] : undefined;
    if (raw !== undefined) {
      const bytes = Buffer.from(raw, 'base64');
      if (base64) out[field] = encode64(bytes);
      // A leading byte-order mark alone is text (answered without it); other bytes are not.
      else if (!isUtf8(bytes)) throw new NotUtf8Error(field);
      else out[field] = value(p, field, languageName);
      continue;
    }
    const v = value(p, field, languageName);
    out[field] = base64 && ENCODED.has(field) && typeof v === 'string' ? encodeText(v) : v;
  }
  return out;
}
