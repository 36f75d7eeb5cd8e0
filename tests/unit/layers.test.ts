// The import graph of lib/ and app/ (madge, resolving '@/…' through tsconfig.json): no cycles, and
// every import points down the layers. Type-only imports count too: they tie a layer to the shapes
// of the one it names.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error madge ships no type declarations (and there is no @types/madge)
import madgeUntyped from 'madge';

interface MadgeResult {
  /** Each file (relative to baseDir) and the files it imports. */
  obj(): Record<string, string[]>;
  circular(): string[][];
  /** Imports madge found but could not resolve to a file (npm packages are left out, not skipped). */
  warnings(): { skipped: string[] };
}
const madge = madgeUntyped as (paths: string[], config: Record<string, unknown>) => Promise<MadgeResult>;

const root = path.resolve(__dirname, '../..');

/** The folders of lib/, lowest first: each may import only itself and the folders before it. */
const LIB_LAYERS = [
  'util',
  'contract',
  'languages',
  'config',
  'store',
  'observability',
  'engine',
  'pool',
  'compiler',
  'core',
  'cluster',
  'judge0',
  'server',
  'http',
];
/** What the browser's code may take from lib/: data and wire shapes, nothing of the server. */
const UI_MAY_IMPORT = ['contract', 'languages'];

/** Why `from` may not import `to` (both relative to the root), or null when it may. */
function violation(from: string, to: string): string | null {
  const [fromTop, fromFolder] = from.split('/');
  const [toTop, toFolder] = to.split('/');
  if (fromTop === 'lib') {
    if (toTop === 'app') return 'lib/ imports app/';
    if (toTop !== 'lib') return null;
    const own = LIB_LAYERS.indexOf(fromFolder);
    const their = LIB_LAYERS.indexOf(toFolder);
    if (own < 0) return `lib/${fromFolder} is in no layer`;
    if (their < 0) return `lib/${toFolder} is in no layer`;
    return their > own ? `lib/${fromFolder} imports the higher lib/${toFolder}` : null;
  }
  if (fromTop === 'app' && toTop === 'lib') {
    if (!LIB_LAYERS.includes(toFolder)) return `lib/${toFolder} is in no layer`;
    if (fromFolder === 'ui' && !UI_MAY_IMPORT.includes(toFolder)) {
      return `app/ui may import only ${UI_MAY_IMPORT.map((f) => `lib/${f}`).join(' and ')}`;
    }
  }
  return null;
}

describe('import layers of lib/ and app/', async () => {
  const graph = await madge([path.join(root, 'lib'), path.join(root, 'app')], {
    baseDir: root,
    fileExtensions: ['ts', 'tsx'],
    tsConfig: path.join(root, 'tsconfig.json'),
  });
  const edges = Object.entries(graph.obj()).flatMap(([from, tos]) => tos.map((to) => [from, to] as const));

  it('reads the whole graph', () => {
    expect(edges.length).toBeGreaterThan(100);
    // An import that does not resolve drops its edge unseen (npm packages and node: builtins aside).
    const unresolved = graph.warnings().skipped.filter((s) => s.startsWith('.') || s.startsWith('@/'));
    expect(unresolved, `imports madge could not resolve:\n${unresolved.join('\n')}`).toEqual([]);
  });

  it('has no circular imports', () => {
    const cycles = graph.circular().map((cycle) => [...cycle, cycle[0]].join(' -> '));
    expect(cycles, `circular imports:\n${cycles.join('\n')}`).toEqual([]);
  });

  it('imports only down the layers (lib: util < contract < … < http; app/ui: lib/contract, lib/languages)', () => {
    const bad = edges.flatMap(([from, to]) => {
      const why = violation(from, to);
      return why ? [`${from} -> ${to} (${why})`] : [];
    });
    expect(bad, `imports against the layers:\n${bad.join('\n')}`).toEqual([]);
  });
});
