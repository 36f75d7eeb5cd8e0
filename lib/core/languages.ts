// The language registry: one small entry per language. Adding a language means adding an entry here
// and a Dockerfile under images/<id>/ (see images/python/Dockerfile: install, write the version file).
// Every step runs in /work as the runner user, with HOME=/tmp and a read-only root.

import {
  parseGccDiagnostics,
  parseGoDiagnostics,
  parseJavacDiagnostics,
  parseMcsDiagnostics,
  parseRustcDiagnostics,
  parseTscDiagnostics,
  type Diagnostic,
} from './diagnostics';

export interface Language {
  id: string;
  name: string;
  /** Monaco's language id, for highlighting. */
  monaco: string;
  /** The file the code is written to, in /work. The image is tagged <prefix><id>:latest. */
  sourceFile: string;
  /** Run in /work before `run`; a non-zero exit is a compile error. */
  compile?: string[];
  run: string[];
  parseDiagnostics?: (compilerOutput: string) => Diagnostic[];
  example: string;
  /**
   * Memory (MiB) this language's containers get at least, when WEBCOMPILE_MEMORY_MB is lower: for a
   * compiler that needs more than a program does. (Every language fits WEBCOMPILE_PIDS_LIMIT.)
   */
  memoryMb?: number;
  /**
   * A resident compiler (see lib/compiler/warm-compiler.ts): started with `cmd` in this language's
   * image, it turns the source into `artifact`, which `run` then runs in a fresh sandbox.
   * `settings` are the compiler options it uses, part of the compile cache key.
   */
  warm?: { cmd: string[]; artifact: string; settings: string };
}

/** The language of a request that names none; WEBCOMPILE_POOL_SIZE sizes its pool. */
export const MAIN_LANGUAGE = 'csharp';

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

// Every example prints "Sum: 499500" first (the integration tests check it), like the C# one.
const EXAMPLES = {
  python: `import sys


def total(n):
    s = 0
    for i in range(n):
        s += i
    return s


print(f"Sum: {total(1000)}")
print(f"Python {sys.version.split()[0]}")
`,
  javascript: `function total(n) {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += i;
  return sum;
}

console.log(\`Sum: \${total(1000)}\`);
console.log(\`Node.js \${process.version}\`);
`,
  typescript: `function total(n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += i;
  return sum;
}

const greeting: string = \`Sum: \${total(1000)}\`;
console.log(greeting);
console.log(\`Node.js \${process.version}\`);
`,
  c: `#include <stdio.h>

int main(void) {
    long sum = 0;
    for (int i = 0; i < 1000; i++) {
        sum += i;
    }
    printf("Sum: %ld\\n", sum);
    return 0;
}
`,
  cpp: `#include <iostream>
#include <numeric>
#include <vector>

int main() {
    std::vector<long> numbers(1000);
    std::iota(numbers.begin(), numbers.end(), 0);
    long sum = std::accumulate(numbers.begin(), numbers.end(), 0L);
    std::cout << "Sum: " << sum << std::endl;
    return 0;
}
`,
  go: `package main

import "fmt"

func main() {
	sum := 0
	for i := 0; i < 1000; i++ {
		sum += i
	}
	fmt.Printf("Sum: %d\\n", sum)
}
`,
  java: `public class Main {
    public static void main(String[] args) {
        long sum = 0;
        for (int i = 0; i < 1000; i++) {
            sum += i;
        }
        System.out.println("Sum: " + sum);
    }
}
`,
  rust: `fn main() {
    let sum: u64 = (0..1000).sum();
    println!("Sum: {}", sum);
}
`,
  ruby: `sum = (0...1000).reduce(0) { |acc, i| acc + i }
puts "Sum: #{sum}"
puts "Ruby #{RUBY_VERSION}"
`,
  php: `<?php
$sum = 0;
for ($i = 0; $i < 1000; $i++) {
    $sum += $i;
}
echo "Sum: $sum\\n";
echo "PHP " . PHP_VERSION . "\\n";
`,
  bash: `#!/bin/bash
sum=0
for ((i = 0; i < 1000; i++)); do
  sum=$((sum + i))
done
echo "Sum: $sum"
echo "Bash $BASH_VERSION"
`,
  lua: `local sum = 0
for i = 0, 999 do
  sum = sum + i
end
print("Sum: " .. sum)
print(_VERSION)
`,
  perl: `use strict;
use warnings;

my $sum = 0;
$sum += $_ for 0 .. 999;
print "Sum: $sum\\n";
printf "Perl %vd\\n", $^V;
`,
};

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
  python: {
    id: 'python',
    name: 'Python 3',
    monaco: 'python',
    sourceFile: 'main.py',
    // -u: output written before a time limit is not lost in a buffer.
    run: ['python3', '-u', 'main.py'],
    example: EXAMPLES.python,
  },
  javascript: {
    id: 'javascript',
    name: 'JavaScript (Node.js)',
    monaco: 'javascript',
    sourceFile: 'main.js',
    run: ['node', 'main.js'],
    example: EXAMPLES.javascript,
  },
  typescript: {
    id: 'typescript',
    name: 'TypeScript (tsc, Node.js)',
    monaco: 'typescript',
    sourceFile: 'main.ts',
    // Node's own types (Debian ships them with nodejs); --skipLibCheck halves the time and memory.
    compile: [
      'tsc', '--pretty', 'false', '--strict', '--skipLibCheck', '--target', 'es2022', '--module', 'commonjs',
      '--lib', 'es2022', '--typeRoots', '/usr/share/nodejs/@types', '--types', 'node', 'main.ts',
    ],
    run: ['node', 'main.js'],
    parseDiagnostics: parseTscDiagnostics,
    example: EXAMPLES.typescript,
  },
  c: {
    id: 'c',
    name: 'C (GCC)',
    monaco: 'c',
    sourceFile: 'main.c',
    compile: ['gcc', '-std=gnu17', '-O2', '-Wall', '-fdiagnostics-color=never', '-o', 'main', 'main.c', '-lm'],
    run: ['./main'],
    parseDiagnostics: parseGccDiagnostics,
    example: EXAMPLES.c,
  },
  cpp: {
    id: 'cpp',
    name: 'C++ (G++)',
    monaco: 'cpp',
    sourceFile: 'main.cpp',
    compile: ['g++', '-std=gnu++20', '-O2', '-Wall', '-fdiagnostics-color=never', '-o', 'main', 'main.cpp'],
    run: ['./main'],
    parseDiagnostics: parseGccDiagnostics,
    example: EXAMPLES.cpp,
    // cc1plus takes over 200 MiB for <bits/stdc++.h> alone, 350 MiB with a few dozen maps and sorts.
    memoryMb: 512,
  },
  go: {
    id: 'go',
    name: 'Go',
    monaco: 'go',
    sourceFile: 'main.go',
    // GOCACHE and GOPATH point into /tmp (the image's ENV).
    compile: ['go', 'build', '-o', 'main', 'main.go'],
    run: ['./main'],
    parseDiagnostics: parseGoDiagnostics,
    example: EXAMPLES.go,
  },
  java: {
    id: 'java',
    name: 'Java (OpenJDK)',
    monaco: 'java',
    sourceFile: 'Main.java',
    // The client compiler alone starts javac in half the time; serial GC keeps the threads few.
    compile: ['javac', '-J-XX:TieredStopAtLevel=1', '-J-XX:+UseSerialGC', '-J-XX:-UsePerfData', 'Main.java'],
    run: ['java', '-XX:+UseSerialGC', '-XX:-UsePerfData', 'Main'],
    parseDiagnostics: parseJavacDiagnostics,
    example: EXAMPLES.java,
  },
  rust: {
    id: 'rust',
    name: 'Rust',
    monaco: 'rust',
    sourceFile: 'main.rs',
    // A debug build (overflow checks on): -O makes a 70-line program with a few derives and maps
    // compile in 8 s instead of 2 s on one CPU, near the compile time limit.
    compile: ['rustc', '--edition', '2021', '-o', 'main', 'main.rs'],
    run: ['./main'],
    parseDiagnostics: parseRustcDiagnostics,
    example: EXAMPLES.rust,
    // rustc passes 256 MiB on such a program.
    memoryMb: 512,
  },
  ruby: {
    id: 'ruby',
    name: 'Ruby',
    monaco: 'ruby',
    sourceFile: 'main.rb',
    run: ['ruby', 'main.rb'],
    example: EXAMPLES.ruby,
  },
  php: {
    id: 'php',
    name: 'PHP',
    monaco: 'php',
    sourceFile: 'main.php',
    // Errors go to stderr (the CLI's default is stdout), so that they end up in ErrorString.
    run: ['php', '-d', 'display_errors=stderr', 'main.php'],
    example: EXAMPLES.php,
  },
  bash: {
    id: 'bash',
    name: 'Bash',
    monaco: 'shell',
    sourceFile: 'main.sh',
    run: ['bash', 'main.sh'],
    example: EXAMPLES.bash,
  },
  lua: {
    id: 'lua',
    name: 'Lua 5.4',
    monaco: 'lua',
    sourceFile: 'main.lua',
    run: ['lua5.4', 'main.lua'],
    example: EXAMPLES.lua,
  },
  perl: {
    id: 'perl',
    name: 'Perl 5',
    monaco: 'perl',
    sourceFile: 'main.pl',
    run: ['perl', 'main.pl'],
    example: EXAMPLES.perl,
  },
};

export function imageFor(prefix: string, languageId: string): string {
  return `${prefix}${languageId}:latest`;
}

/** The limits of one language's containers: the configured ones, raised where the language needs more. */
export function limitsFor<L extends { memoryMb: number }>(limits: L, language: Language): L {
  return { ...limits, memoryMb: Math.max(limits.memoryMb, language.memoryMb ?? 0) };
}
