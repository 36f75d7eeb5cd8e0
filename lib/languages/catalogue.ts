// The language catalogue: what anyone may know about a language, the browser included (names,
// Monaco ids, examples, how a program reads its input). Data only, no server code: the commands,
// images and diagnostics parsers that run a language are in lib/core/languages.ts.

export interface LanguageInfo {
  id: string;
  name: string;
  /** Monaco's language id, for highlighting. */
  monaco: string;
  /** Whether a compile step runs before the program. */
  compiled: boolean;
  /** A program that prints "Sum: 499500" first (the integration tests check it). */
  example: string;
  /** How a program of this language reads its input, for the stdin box; null where nothing is said. */
  stdinHint: string | null;
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


export const CATALOGUE: Record<string, LanguageInfo> = {
  csharp: { id: 'csharp', name: 'C# (Mono)', monaco: 'csharp', compiled: true, example: SUM_PROGRAM, stdinHint: 'read with Console.ReadLine()' },
  python: { id: 'python', name: 'Python 3', monaco: 'python', compiled: false, example: EXAMPLES.python, stdinHint: 'read with input()' },
  javascript: { id: 'javascript', name: 'JavaScript (Node.js)', monaco: 'javascript', compiled: false, example: EXAMPLES.javascript, stdinHint: null },
  typescript: { id: 'typescript', name: 'TypeScript (tsc, Node.js)', monaco: 'typescript', compiled: true, example: EXAMPLES.typescript, stdinHint: null },
  c: { id: 'c', name: 'C (GCC)', monaco: 'c', compiled: true, example: EXAMPLES.c, stdinHint: 'read with scanf / fgets' },
  cpp: { id: 'cpp', name: 'C++ (G++)', monaco: 'cpp', compiled: true, example: EXAMPLES.cpp, stdinHint: 'read with std::cin' },
  go: { id: 'go', name: 'Go', monaco: 'go', compiled: true, example: EXAMPLES.go, stdinHint: 'read with bufio.Scanner(os.Stdin)' },
  java: { id: 'java', name: 'Java (OpenJDK)', monaco: 'java', compiled: true, example: EXAMPLES.java, stdinHint: 'read with Scanner(System.in)' },
  rust: { id: 'rust', name: 'Rust', monaco: 'rust', compiled: true, example: EXAMPLES.rust, stdinHint: 'read with std::io::stdin()' },
  ruby: { id: 'ruby', name: 'Ruby', monaco: 'ruby', compiled: false, example: EXAMPLES.ruby, stdinHint: null },
  php: { id: 'php', name: 'PHP', monaco: 'php', compiled: false, example: EXAMPLES.php, stdinHint: null },
  bash: { id: 'bash', name: 'Bash', monaco: 'shell', compiled: false, example: EXAMPLES.bash, stdinHint: null },
  lua: { id: 'lua', name: 'Lua 5.4', monaco: 'lua', compiled: false, example: EXAMPLES.lua, stdinHint: null },
  perl: { id: 'perl', name: 'Perl 5', monaco: 'perl', compiled: false, example: EXAMPLES.perl, stdinHint: null },
};

/** Every language id, in the catalogue's order. */
export const LANGUAGE_IDS: readonly string[] = Object.keys(CATALOGUE);

/** Whether `id` names a language of the catalogue (not a property every object has). */
export function isLanguageId(id: string): boolean {
  return Object.hasOwn(CATALOGUE, id);
}
