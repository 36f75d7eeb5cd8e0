// The JSON bodies the page sends to POST /api/compile: a program of one file as `code` (as before
// programs had several), of several as `files`; the Arguments line split into `args`; the tests.
// And the same run as the `init` message of an interactive run over the WebSocket.
import { splitArgs } from '@/lib/contract/shell-words';
import type { Snapshot, SourceFile } from './share';

export interface TestBody {
  stdin: string;
  args?: string[];
  expectedOutput?: string;
}

export interface CompileBody {
  language: string;
  code?: string;
  files?: SourceFile[];
  stdin?: string;
  args?: string[];
  tests?: TestBody[];
}

export type Built = { body: CompileBody; problem: null } | { body: null; problem: string };

function program(s: Snapshot): Pick<CompileBody, 'code' | 'files' | 'language'> {
  return s.files.length === 1
    ? { code: s.files[0].content, language: s.language }
    : { files: s.files.map((f) => ({ name: f.name, content: f.content })), language: s.language };
}

/** The body of a run: the program, its stdin and arguments (left out when there are none). */
export function runBody(s: Snapshot): Built {
  const args = splitArgs(s.args);
  if (args.error !== null) return { body: null, problem: `Arguments: ${args.error}.` };
  return { body: { ...program(s), stdin: s.stdin, ...(args.words.length ? { args: args.words } : {}) }, problem: null };
}

/**
 * The body of a test run: each test with its own stdin, its own arguments or else the program's, and
 * its expected output when it has one (an empty one means: run it, judge nothing).
 */
export function testsBody(s: Snapshot): Built {
  const programArgs = splitArgs(s.args);
  if (programArgs.error !== null) return { body: null, problem: `Arguments: ${programArgs.error}.` };
  const tests: TestBody[] = [];
  for (const [i, t] of s.tests.entries()) {
    const own = splitArgs(t.args);
    if (own.error !== null) return { body: null, problem: `Test ${i + 1}'s arguments: ${own.error}.` };
    const args = t.args.trim() ? own.words : programArgs.words;
    tests.push({
      stdin: t.stdin,
      ...(args.length ? { args } : {}),
      ...(t.expectedOutput ? { expectedOutput: t.expectedOutput } : {}),
    });
  }
  return { body: { ...program(s), tests }, problem: null };
}

/** A run's body as the WebSocket's `init` (Piston's: files, their names, args); a lone file goes nameless, as ever. */
export function connectInit(body: CompileBody): Record<string, unknown> {
  const files = body.files ?? [{ content: body.code ?? '' }];
  return { type: 'init', language: body.language, version: '*', files, ...(body.args ? { args: body.args } : {}) };
}
