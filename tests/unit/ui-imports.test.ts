// The browser's code stays apart from the server's: app/ui (and the page and layout) import from lib/
// only the catalogue and the wire shapes, nor do those import anything more, and no component
// singles out a language by name; what differs per language is catalogue data.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { LANGUAGE_IDS } from '@/lib/languages/catalogue';

const root = path.resolve(__dirname, '../..');
const rel = (file: string) => path.relative(root, file).split(path.sep).join('/');

/** Where the browser's code may reach: its own folder, the stylesheet, the catalogue, the wire shapes. */
const ALLOWED = ['app/ui/', 'app/globals.css', 'lib/languages/', 'lib/contract/'];
const SERVER_PACKAGES = new Set(['dockerode', 'pino', 'prom-client', 'server-only']);
const BUILTINS = new Set(builtinModules);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return /\.tsx?$/.test(name) ? [file] : [];
  });
}

const UI_FILES = sourceFiles(path.join(root, 'app/ui'));
const ENTRIES = [...UI_FILES, path.join(root, 'app/page.tsx'), path.join(root, 'app/layout.tsx')];

/** Every module a source names (imports and re-exports, `import type` too, import(), require()), as TypeScript reads
 * it: not what a string or a comment happens to hold. */
function specifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** The file a local specifier names, or null for a package. */
function localTarget(from: string, spec: string): string | null {
  if (spec.startsWith('@/')) return path.join(root, spec.slice(2));
  if (spec.startsWith('.')) return path.resolve(path.dirname(from), spec);
  return null;
}

function resolveSource(target: string): string | null {
  const candidates = [target, `${target}.ts`, `${target}.tsx`, path.join(target, 'index.ts')];
  return candidates.find((f) => existsSync(f) && statSync(f).isFile() && /\.tsx?$/.test(f)) ?? null;
}

function packageProblem(spec: string): string | null {
  const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
  if (spec.startsWith('node:') || BUILTINS.has(name)) return 'a Node.js built-in';
  if (SERVER_PACKAGES.has(name)) return 'a server package';
  return null;
}

/** Walks the imports from the entries through every local file they reach; lists what they must not import. */
function forbiddenImports(entries: string[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      const target = localTarget(file, spec);
      if (target === null) {
        const why = packageProblem(spec);
        if (why) problems.push(`${rel(file)} imports ${spec}: ${why}`);
        continue;
      }
      if (!ALLOWED.some((a) => rel(target).startsWith(a))) {
        problems.push(`${rel(file)} imports ${spec}: outside ${ALLOWED.join(', ')}`);
        continue;
      }
      const next = resolveSource(target);
      if (next) queue.push(next);
    }
  }
  return problems;
}

// Comments count too: a comment that names C# where any language is meant is as wrong as code that does.
const NAMED = /(['"`])(?:csharp|C#)\1/g;
const ids = LANGUAGE_IDS.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
/** `x === 'go'`, `'go' !== x`, `case 'go':`: code that treats one language apart. */
const COMPARED = new RegExp(
  [`[!=]==?\\s*(['"\`])(?:${ids})\\1`, `(['"\`])(?:${ids})\\2\\s*[!=]==?`, `\\bcase\\s*(['"\`])(?:${ids})\\3`].join(
    '|',
  ),
  'g',
);

function languageChecks(files: string[]): string[] {
  return files.flatMap((file) => {
    const source = readFileSync(file, 'utf8');
    return [...source.matchAll(NAMED), ...source.matchAll(COMPARED)].map((m) => `${rel(file)}: ${m[0]}`);
  });
}

describe('the UI', () => {
  it('imports from lib/ only the catalogue and the wire shapes, and no server package', () => {
    expect(UI_FILES.length).toBeGreaterThan(5);
    expect(forbiddenImports(ENTRIES)).toEqual([]);
  });

  it('names no language: what differs per language comes from the catalogue', () => {
    expect(languageChecks(UI_FILES)).toEqual([]);
  });
});

describe('the checks themselves', () => {
  it('find every kind of import', () => {
    const source = `import type { A } from '@/lib/core/a';
import {
  b,
} from "../b";
export { c } from './c';
import 'server-only';
const d = await import('node:fs');
const e = require('dockerode');
const f = "require('fs')"; // import('g')`;
    expect(specifiers(source).sort()).toEqual(['../b', './c', '@/lib/core/a', 'dockerode', 'node:fs', 'server-only']);
  });

  it('catch a language named or compared', () => {
    expect('if (language === \'csharp\') x = "C#";'.match(NAMED)).toEqual(["'csharp'", '"C#"']);
    expect('case `python`: ok = "go" !== id; y = lang == \'rust\''.match(COMPARED)).toEqual([
      'case `python`',
      '"go" !==',
      "== 'rust'",
    ]);
    expect("const key = 'csharpish'; a === 'pythons'".match(COMPARED)).toBeNull();
  });
});
