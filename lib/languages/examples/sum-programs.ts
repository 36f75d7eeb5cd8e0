// The sum program of every language but C# (its own is in ./csharp.ts): each prints "Sum: 499500"
// first, like the C# one (the integration tests run them).

export const SUM_PROGRAMS = {
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
