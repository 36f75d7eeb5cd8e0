// Programs that the fairness tests and the fairness benchmark share.

/**
 * A C# program that takes mcs seconds to reject (depth 5: about 1 s on an idle core here, depth 6:
 * about 4 s, depth 7: over 20 s): overload resolution of nested lambdas grows exponentially with the
 * depth, and ends in error CS0121 (the calls are ambiguous).
 */
export function compileBomb(depth: number, nonce: string): string {
  let body = 'return 0;';
  for (let i = 0; i < depth; i++) body = `M(x${i} => { ${body} }); return 0;`;
  return `// ${nonce}
using System;
class P {
  static void M(Func<int, int> f) {}
  static void M(Func<string, int> f) {}
  static void M(Func<double, int> f) {}
  static void Main() { M(z => { ${body} }); Console.WriteLine("done"); }
}
`;
}
