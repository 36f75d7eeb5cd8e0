// A stored Judge0 submission as a request to the core: its source and additional files, arguments,
// stdin and limits; number_of_runs above 1 becomes that many test cases (compiled once, each run
// in a fresh sandbox).

import { LANGUAGES, limitsFor } from '../core/languages';
import type { Config } from '../config/config';
import type { ExecutionRequest, SourceFile } from '../core/request';
import { unpackAdditionalFiles } from './additional-files';
import { decode64 } from './base64';
import { MIN_MEMORY_KB } from './limits';
import type { CheckedSubmission } from './submission-request';

export function runRequest(sub: CheckedSubmission, client: string, config: Config): ExecutionRequest {
  const language = LANGUAGES[sub.language];
  const extra: SourceFile[] = sub.additional_files
    ? unpackAdditionalFiles(decode64(sub.additional_files), { maxFiles: Infinity, maxBytes: Infinity })
    : [];
  const files: SourceFile[] = [
    extra.length > 0 ? { name: language.sourceFile, content: sub.source_code } : { content: sub.source_code },
    ...extra,
  ];
  const sandboxMb = limitsFor(config, language).memoryMb;
  const memoryMb = Math.max(Math.ceil(sub.memory_limit / 1024), MIN_MEMORY_KB / 1024);
  return {
    language: sub.language,
    files,
    args: sub.args,
    ...(sub.compile_options?.length ? { compileOptions: sub.compile_options } : {}),
    stdin: sub.stdin ?? '',
    limits: {
      timeoutMs: Math.max(1, Math.round(sub.wall_time_limit * 1000)),
      // Only a limit the client named changes the sandbox (setting it costs a call to the engine).
      ...(sub.memory_limit_set && memoryMb !== sandboxMb ? { memoryMb } : {}),
    },
    ...(sub.number_of_runs > 1 ? { tests: Array.from({ length: sub.number_of_runs }, () => ({})) } : {}),
    client,
  };
}
