// The C# examples menu. Mono's mcs compiles C# 7: no top-level statements or records.
import type { Example } from '../example';

/** The C# program that prints "Sum: 499500" first, the one the integration tests and benchmarks run. */
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

export const CSHARP_EXAMPLES: readonly Example[] = [
  {
    id: 'hello',
    title: 'Hello, world',
    code: `using System;

class Program
{
    static void Main()
    {
        Console.WriteLine("Hello, world!");
    }
}
`,
  },
  { id: 'sum', title: 'Sum and a stopwatch', code: SUM_PROGRAM },
  {
    id: 'stdin',
    title: 'Reading stdin',
    stdin: 'Ada Lovelace\nGrace Hopper\nAlan Turing\n',
    code: `using System;

class Program
{
    static void Main()
    {
        // Console.ReadLine returns null at the end of the input.
        int count = 0;
        string line;
        while ((line = Console.ReadLine()) != null)
        {
            count++;
            Console.WriteLine(count + ": Hello, " + line + "!");
        }
        Console.WriteLine("Read " + count + " lines.");
    }
}
`,
  },
  {
    id: 'exception',
    title: 'An exception',
    code: `using System;

class Program
{
    static int Divide(int a, int b)
    {
        return a / b;
    }

    static void Main()
    {
        Console.WriteLine("About to divide by zero...");
        Console.WriteLine(Divide(42, 0));
    }
}
`,
  },
  {
    id: 'linq',
    title: 'LINQ',
    code: `using System;
using System.Linq;

class Program
{
    static void Main()
    {
        var words = new[] { "apple", "banana", "cherry", "avocado", "blueberry", "coconut", "apricot" };

        var byLetter = words
            .GroupBy(w => w[0])
            .OrderBy(g => g.Key)
            .Select(g => g.Key + ": " + string.Join(", ", g.OrderBy(w => w)));

        foreach (var line in byLetter)
            Console.WriteLine(line);

        var squares = Enumerable.Range(1, 10).Where(n => n % 2 == 0).Select(n => n * n);
        Console.WriteLine("Even squares: " + string.Join(" ", squares));
        Console.WriteLine("Longest word: " + words.OrderByDescending(w => w.Length).First());
    }
}
`,
  },
  {
    id: 'compile-error',
    title: 'A compile error',
    code: `using System;

class Program
{
    static void Main()
    {
        int x = "a";
        Console.WriteLin(x);
    }
}
`,
  },
];
