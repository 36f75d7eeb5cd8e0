// What the core is asked to do, in its own words (camelCase, no wire format): the front doors
// (lib/http) turn their requests into this.

export interface SourceFile {
  /** The file's name in /work; the language's own source file when absent. */
  name?: string;
  content: string;
}

export interface ExecutionRequest {
  language: string;
  /** The program. Today exactly one file: the language's source file. */
  files: SourceFile[];
  stdin: string;
  limits: {
    /** Run time limit (the compile has its own, from the config); an interactive run's wall-clock limit. */
    timeoutMs: number;
    /** An interactive run ends after this long with neither input nor output. */
    idleMs?: number;
  };
  /** Who asks (an address): one client's requests wait their turn behind each other, not behind everyone's. */
  client: string;
}
