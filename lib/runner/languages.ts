// The language registry: one small entry per language. Adding a language means adding an entry here
// and a Dockerfile under images/<id>/.

import { parseMcsDiagnostics, type Diagnostic } from './diagnostics';

export interface Language {
  id: string;
  name: string;
  /** Monaco's language id, for highlighting. */
  monaco: string;
  /** Folder under images/ with the Dockerfile; the image is tagged <prefix><id>:latest. */
  sourceFile: string;
  /** Run in /work before `run`; a non-zero exit is a compile error. */
  compile?: string[];
  run: string[];
  parseDiagnostics?: (compilerOutput: string) => Diagnostic[];
  example: string;
  /**
   * A resident compiler (see lib/compiler/warm-compiler.ts): started with `cmd` in this language's
   * image, it turns the source into `artifact`, which `run` then runs in a fresh sandbox.
   * `settings` are the compiler options it uses, part of the compile cache key.
   */
  warm?: { cmd: string[]; artifact: string; settings: string };
}

export const SUM_PROGRAM = `using System;
using System.Diagnostics;

class Program
{
    static void Main()
    {
        var watch = Stopwatch.StartNew();
        long sum = 0;
        for (int i = 0; i < 1000; i++)
        {
            sum += i;
        }
        watch.Stop();
        Console.WriteLine("Sum: " + sum);
        Console.WriteLine("Code Execution: " + watch.ElapsedMilliseconds + " ms");
    }
}
`;

export const LANGUAGES: Record<string, Language> = {
  csharp: {
    id: 'csharp',
    name: 'C# (Mono)',
    monaco: 'csharp',
    sourceFile: 'main.cs',
    compile: ['mcs', '-out:main.exe', 'main.cs'],
    run: ['mono', 'main.exe'],
    parseDiagnostics: parseMcsDiagnostics,
    example: SUM_PROGRAM,
    warm: {
      cmd: ['mono', '/opt/webcompile/compiler-server.exe'],
      artifact: 'main.exe',
      settings: '-out:main.exe main.cs',
    },
  },
};

export function imageFor(prefix: string, languageId: string): string {
  return `${prefix}${languageId}:latest`;
}
