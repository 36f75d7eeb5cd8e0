// lib/util/tar-files.ts: the files of an archive a sandbox made, and nothing it must not contain.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTarFiles, TarError } from '@/lib/util/tar-files';
import { tarOf } from './helpers/tar';

describe('readTarFiles', () => {
  it('reads what GNU tar writes of a folder: files in folders, long names, modes, bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wc-tar-'));
    const long = `sub/${'n'.repeat(120)}.class`;
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, long), Buffer.from([0, 1, 2, 255]));
    writeFileSync(join(dir, 'main'), 'ELF', { mode: 0o755 });
    writeFileSync(join(dir, 'main.c'), 'int main(){}');
    const archive = execFileSync('tar', ['-c', '-f', '-', '-C', dir, '.']);
    const files = readTarFiles(archive).sort((a, b) => a.path.localeCompare(b.path));
    expect(files.map((f) => [f.path, f.mode])).toEqual([
      ['main', 0o755],
      ['main.c', 0o644],
      [long, 0o644],
    ]);
    expect(files[2].content).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(files[1].content.toString()).toBe('int main(){}');
  });

  it('skips directories and takes a GNU long name for the entry after it', () => {
    const name = `d/${'x'.repeat(150)}`;
    const files = readTarFiles(
      tarOf([
        { name: 'd/', type: '5', mode: 0o755 },
        { name: '././@LongLink', type: 'L', content: `${name}\0` },
        { name: name.slice(0, 100), content: 'data' },
      ]),
    );
    expect(files).toEqual([{ path: name, content: Buffer.from('data'), mode: 0o644 }]);
  });

  it.each([
    ['a symlink', { name: 'link', type: '2' }],
    ['a hard link', { name: 'hard', type: '1' }],
    ['a device', { name: 'dev', type: '3' }],
    ['a path with ..', { name: '../escape' }],
    ['an absolute path', { name: '/etc/passwd' }],
    ['a path with a .. inside', { name: 'a/../../b' }],
  ])('refuses %s', (_what, entry) => {
    expect(() => readTarFiles(tarOf([entry]))).toThrow(TarError);
  });

  it('refuses a header whose checksum is wrong, and an archive cut inside a file', () => {
    const archive = tarOf([{ name: 'a', content: 'x'.repeat(600) }]);
    const bad = Buffer.from(archive);
    bad[0] = 'b'.charCodeAt(0);
    expect(() => readTarFiles(bad)).toThrow('bad header checksum');
    expect(() => readTarFiles(archive.subarray(0, 700))).toThrow('archive ends inside a file');
  });
});
