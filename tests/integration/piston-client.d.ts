// The npm package piston-client (1.0.2) ships no types: what the tests use of it.
declare module 'piston-client' {
  export interface Stage {
    stdout: string;
    stderr: string;
    output: string;
    code: number | null;
    signal: string | null;
    status: string | null;
    message: string | null;
  }
  /** Piston's execute JSON (or, when the request failed, { success: false, error }). */
  export interface Answer {
    language: string;
    version: string;
    run: Stage;
    compile?: Stage;
    message?: string;
    success?: false;
    error?: unknown;
  }
  export interface PistonClient {
    runtimes(): Promise<{ language: string; version: string; aliases: string[]; runtime?: string }[]>;
    execute(language: string, code: string, config?: Record<string, unknown>): Promise<Answer>;
    execute(config: Record<string, unknown>): Promise<Answer>;
  }
  export function piston(opts?: { server?: string }): PistonClient;
}
