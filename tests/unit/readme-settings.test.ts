import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');

describe('README settings table', () => {
  it('lists every environment variable the config reads', () => {
    const config = fs.readFileSync(path.join(root, 'lib/config/config.ts'), 'utf8');
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const names = new Set([...config.matchAll(/'(WEBCOMPILE_[A-Z_]+|PORT)'/g)].map((m) => m[1]));
    expect(names.size).toBeGreaterThan(20);
    const missing = [...names].filter((n) => !readme.includes(`\`${n}\``));
    expect(missing).toEqual([]);
  });
});
