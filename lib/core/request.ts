// What the core is asked to do, in its own words (camelCase, no wire format): the front doors
// (lib/http) turn their requests into this.

export interface SourceFile {
  /** The file's path in /work (relative, `/` between folders); the language's own source file when absent. */
  name?: string;
  /** Text is written as UTF-8; bytes as they are (a data file). */
  content: string | Buffer;
}

export interface ExecutionRequest {
  language: string;
  /**
   * The program: the entry point first (the only file may leave its name out: the language's source
   * file), then the files it builds with or reads, each with its own name. The front door checks them.
   */
  files: SourceFile[];
  /** The program's command-line arguments, appended to the language's run argv (no shell). */
  args?: string[];
  /**
   * Options appended to the compile's argv (no shell), checked by lib/core/compile-options.ts (only
   * languages the sandbox compiles take any).
   */
  compileOptions?: string[];
  stdin: string;
  limits: {
    /** Run time limit (the compile has its own, from the config); an interactive run's wall-clock limit. */
    timeoutMs: number;
    /** An interactive run ends after this long with neither input nor output. */
    idleMs?: number;
    /** The compile's limit when the front door lowers it (at most the configured one, which it checks). */
    compileTimeoutMs?: number;
    /**
     * The run's memory limit in MiB, set on its sandbox before the run (a compile in the sandbox then
     * gets a sandbox of its own, with the configured memory). The front door checks the engine can.
     */
    memoryMb?: number;
  };
  /**
   * Test cases: the program is compiled once and each test runs in a fresh sandbox of its own, with
   * its stdin and args (the request's, where it gives none), checked against its expected output.
   */
  tests?: TestCase[];
  /** Who asks (an address): one client's requests wait their turn behind each other, not behind everyone's. */
  client: string;
}

export interface TestCase {
  stdin?: string;
  args?: string[];
  expectedOutput?: string;
}
