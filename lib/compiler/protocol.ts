// The warm compilers' wire format (docs/compiler-protocol.md), both directions, in length-prefixed
// fields: a request is the source files, an answer the exit code, the messages and every file the
// compile made.

import { encodeFields, FieldReader, MalformedFieldError } from '../util/fields';

export const PROTOCOL_VERSION = 'wcc1';

export interface SourceFile {
  /** Relative, `/`-separated. */
  path: string;
  content: string | Buffer;
}

export interface Artifact {
  path: string;
  /** Permission bits, e.g. 0o755 for an executable. */
  mode: number;
  content: Buffer;
}

/** The exit code of an answer the compiler declines to give (docs/compiler-protocol.md): compile it elsewhere. */
export const DECLINED = 255;

export interface CompileResponse {
  exitCode: number;
  messages: string;
  artifacts: Artifact[];
}

/**
 * Past these an answer is not a compiler's: no field, and no answer in all, beyond 64 MiB (what it
 * made must fit a sandbox's /work anyway), and no more files than the sandbox agent takes in a job.
 */
const MAX_FIELD_BYTES = 64 * 1024 * 1024;
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;
export const MAX_ARTIFACTS = 1000;

export function encodeRequest(files: SourceFile[]): Buffer {
  return encodeFields([PROTOCOL_VERSION, String(files.length), ...files.flatMap((f) => [f.path, f.content])]);
}

export class MalformedResponseError extends Error {}

/** Relative, `/`-separated, no empty, `.` or `..` segment, no NUL: a file inside the directory. */
export function isRelativePath(path: string): boolean {
  return path.length > 0 && !path.includes('\0') && path.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

type Step = 'exitCode' | 'messages' | 'count' | 'path' | 'mode' | 'content';

/** Collects stdout bytes and yields each complete answer, however the bytes are cut. */
export class ResponseReader {
  private readonly fields = new FieldReader(MAX_FIELD_BYTES);
  private step: Step = 'exitCode';
  private answer: CompileResponse = { exitCode: 0, messages: '', artifacts: [] };
  private left = 0;
  private artifact: Partial<Artifact> = {};
  /** Bytes pushed in all, and where the answer being read began among them. */
  private pushed = 0;
  private answerStart = 0;

  constructor(private readonly onResponse: (r: CompileResponse) => void) {}

  /** Throws MalformedResponseError when the bytes are not answers. */
  push(chunk: Buffer): void {
    this.pushed += chunk.length;
    if (this.pushed - this.answerStart > MAX_ANSWER_BYTES) {
      throw new MalformedResponseError(`compiler answer past ${MAX_ANSWER_BYTES} bytes`);
    }
    this.fields.push(chunk);
    for (;;) {
      let field: Buffer | null;
      try {
        field = this.fields.next();
      } catch (e) {
        if (e instanceof MalformedFieldError)
          throw new MalformedResponseError(`malformed compiler answer: ${e.message}`);
        throw e;
      }
      if (!field) return;
      this.accept(field);
    }
  }

  private accept(field: Buffer): void {
    switch (this.step) {
      case 'exitCode':
        this.answer = { exitCode: this.number(field, 255), messages: '', artifacts: [] };
        this.step = 'messages';
        return;
      case 'messages':
        this.answer.messages = field.toString('utf8');
        this.step = 'count';
        return;
      case 'count':
        this.left = this.number(field, MAX_ARTIFACTS);
        this.step = 'path';
        break;
      case 'path': {
        const path = field.toString('utf8');
        if (!isRelativePath(path)) throw new MalformedResponseError(`bad artifact path "${path.slice(0, 100)}"`);
        this.artifact = { path };
        this.step = 'mode';
        return;
      }
      case 'mode': {
        // Permission bits only: nothing a compiler says can make a set-id file in a sandbox.
        const text = field.toString('latin1');
        if (!/^[0-7]{1,3}$/.test(text)) throw new MalformedResponseError(`bad artifact mode "${text}"`);
        this.artifact.mode = parseInt(text, 8);
        this.step = 'content';
        return;
      }
      case 'content':
        this.answer.artifacts.push({ ...(this.artifact as Artifact), content: field });
        this.left--;
        this.step = 'path';
        break;
    }
    if (this.left === 0) {
      const done = this.answer;
      this.step = 'exitCode';
      this.answerStart = this.pushed - this.fields.pending; // what is still buffered is the next one's
      this.onResponse(done);
    }
  }

  private number(field: Buffer, max: number): number {
    const text = field.toString('latin1');
    if (!/^\d{1,10}$/.test(text) || Number(text) > max) {
      throw new MalformedResponseError(`malformed compiler answer: "${text.slice(0, 40)}" where a number was due`);
    }
    return Number(text);
  }
}
