// Every language's hello world (the per-language benchmark and the integration tests run them):
// prints "Hello, World!" and a newline, nothing else.

export const HELLO_WORLD: Record<string, string> = {
  csharp: 'class P { static void Main() { System.Console.WriteLine("Hello, World!"); } }',
  python: 'print("Hello, World!")\n',
  javascript: 'console.log("Hello, World!");\n',
  typescript: 'const greeting: string = "Hello, World!";\nconsole.log(greeting);\n',
  c: '#include <stdio.h>\nint main(void) { printf("Hello, World!\\n"); return 0; }\n',
  cpp: '#include <iostream>\nint main() { std::cout << "Hello, World!" << std::endl; }\n',
  go: 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("Hello, World!")\n}\n',
  java: 'public class Main {\n  public static void main(String[] a) {\n    System.out.println("Hello, World!");\n  }\n}\n',
  rust: 'fn main() {\n    println!("Hello, World!");\n}\n',
  ruby: 'puts "Hello, World!"\n',
  php: '<?php\necho "Hello, World!\\n";\n',
  bash: 'echo "Hello, World!"\n',
  lua: 'print("Hello, World!")\n',
  perl: 'print "Hello, World!\\n";\n',
};
