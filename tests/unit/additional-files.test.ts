// Judge0's additional_files unpacked by our own zip reader (lib/judge0/additional-files.ts): plain
// files come out as they went in; hostile names, links, bombs, lying headers and damaged archives are
// refused with a message. Archives come from a hand-made writer (tests/unit/helpers/zip-writer.ts),
// which can lie, and from Python's zipfile, a writer that is not ours.
import { execFileSync } from 'node:child_process';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SourceFile } from '@/lib/core/request';
import { AdditionalFilesError, tableCrc32, unpackAdditionalFiles } from '@/lib/judge0/additional-files';
import { zipOf, type ZipEntry } from './helpers/zip-writer';

const limits = { maxFiles: 10, maxBytes: 1024 * 1024 };

/** The refusal's message, or a failure when the zip is accepted or something else is thrown. */
function refusal(zip: Buffer, l = limits): string {
  try {
    unpackAdditionalFiles(zip, l);
  } catch (e) {
    expect(e).toBeInstanceOf(AdditionalFilesError);
    expect(e).toBeInstanceOf(Error);
    return (e as Error).message;
  }
  throw new Error('the zip was accepted');
}

const unpacked = (zip: Buffer, l = limits) =>
  unpackAdditionalFiles(zip, l).map((f) => ({ name: f.name, content: f.content.toString('utf8') }));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('additional_files: what is unpacked', () => {
  it('gives stored and deflated files in archive order, nested folders by path, directory entries left out', () => {
    const binary = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    const zip = zipOf([
      { name: 'input.txt', content: 'hello\n', method: 0 },
      { name: 'data/', mode: 0o040755 },
      { name: 'data/deep/', mode: 0o040755 },
      { name: 'data/deep/numbers.csv', content: '1,2,3\n'.repeat(100), method: 8, mode: 0o100644 },
      { name: 'blob.bin', content: binary, method: 8 },
      { name: 'empty.txt', content: '', method: 8 },
      { name: 'also-empty.txt', content: '' },
    ]);
    const files: SourceFile[] = unpackAdditionalFiles(zip, limits);
    expect(files.map((f) => f.name)).toEqual([
      'input.txt',
      'data/deep/numbers.csv',
      'blob.bin',
      'empty.txt',
      'also-empty.txt',
    ]);
    expect(files[0].content).toEqual(Buffer.from('hello\n'));
    expect(files[1].content).toEqual(Buffer.from('1,2,3\n'.repeat(100)));
    expect(files[2].content).toEqual(binary);
    expect(files[3].content).toEqual(Buffer.alloc(0));
    expect(files[4].content).toEqual(Buffer.alloc(0));
  });

  it('gives no files for an empty zip', () => {
    expect(zipOf([]).length).toBe(22);
    expect(unpackAdditionalFiles(zipOf([]), limits)).toEqual([]);
  });

  it('finds the end record past an archive comment, also one that holds a fake end record', () => {
    const fakeEnd = zipOf([]).subarray(0, 20); // a signature whose comment length does not reach the end
    for (const comment of ['made by hand', Buffer.concat([fakeEnd, Buffer.from('xx')]), 'x'.repeat(65535)]) {
      expect(unpacked(zipOf([{ name: 'a.txt', content: 'A' }], { comment }))).toEqual([
        { name: 'a.txt', content: 'A' },
      ]);
    }
  });

  it('takes exactly maxFiles files and exactly maxBytes bytes; directory entries count for neither', () => {
    const zip = zipOf([
      { name: 'd/', mode: 0o040755 },
      { name: 'd/a', content: 'x'.repeat(6), method: 8 },
      { name: 'e/', external: 0x10 },
      { name: 'd/b', content: 'y'.repeat(4) },
    ]);
    expect(unpacked(zip, { maxFiles: 2, maxBytes: 10 }).map((f) => f.name)).toEqual(['d/a', 'd/b']);
  });

  it('copies the bytes out of the archive (a file does not alias or pin the whole zip)', () => {
    const zip = zipOf([{ name: 'a', content: 'abc' }]);
    const [file] = unpackAdditionalFiles(zip, limits);
    zip.fill(0);
    expect(file.content.toString()).toBe('abc');
  });

  it("unpacks a zip made by Python's zipfile (deflated, stored, a folder, a comment)", () => {
    const script = [
      'import io, sys, zipfile',
      'b = io.BytesIO()',
      "with zipfile.ZipFile(b, 'w') as z:",
      "    z.writestr('main-data.txt', 'one\\ntwo\\n' * 50, compress_type=zipfile.ZIP_DEFLATED)",
      "    z.mkdir('lib')",
      "    z.writestr('lib/util.h', '#define X 1\\n', compress_type=zipfile.ZIP_STORED)",
      "    z.writestr('lib/bytes.bin', bytes(range(256)) * 4, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)",
      "    z.comment = b'from python'",
      'sys.stdout.buffer.write(b.getvalue())',
    ].join('\n');
    const zip = execFileSync('python3', ['-c', script]);
    const files = unpackAdditionalFiles(zip, limits);
    expect(files.map((f) => f.name)).toEqual(['main-data.txt', 'lib/util.h', 'lib/bytes.bin']);
    expect(files[0].content.toString()).toBe('one\ntwo\n'.repeat(50));
    expect(files[1].content.toString()).toBe('#define X 1\n');
    expect(files[2].content).toEqual(
      Buffer.concat(Array.from({ length: 4 }, () => Buffer.from([...Array(256).keys()]))),
    );
  });

  it("refuses a symlink made by Python's zipfile", () => {
    const script = [
      'import io, sys, zipfile',
      'b = io.BytesIO()',
      "with zipfile.ZipFile(b, 'w') as z:",
      "    i = zipfile.ZipInfo('link')",
      '    i.create_system = 3',
      '    i.external_attr = 0o120777 << 16',
      "    z.writestr(i, '/etc/passwd')",
      'sys.stdout.buffer.write(b.getvalue())',
    ].join('\n');
    expect(refusal(execFileSync('python3', ['-c', script]))).toBe(
      'has a symbolic link "link"; only regular files may be given',
    );
  });
});

describe('additional_files: names', () => {
  it.each([
    ['../x', 'has a ".." segment'],
    ['/etc/passwd', 'is an absolute path'],
    ['a/../../x', 'has a ".." segment'],
    ['C:\\x', 'uses "\\"'],
    ['C:x', 'starts with a drive letter'],
    ['a\\..\\x', 'uses "\\"'],
    ['a\0b', 'holds a NUL character'],
    ['', 'is empty'],
    ['./x', 'has a "." segment'],
    ['a//b', 'has an empty segment'],
    ['a/./b', 'has a "." segment'],
    ['-rf', 'starts with "-"'],
    ['caf\u00e9.txt', 'may hold only letters'],
    ['cafe\u0301.txt', 'may hold only letters'],
    ['a b.txt', 'may hold only letters'],
    ['x'.repeat(256), 'is longer than 255 characters'],
  ])('refuses a file named %j', (name, why) => {
    const message = refusal(
      zipOf([
        { name: 'fine.txt', content: 'ok' },
        { name, content: 'x' },
      ]),
    );
    expect(message).toContain(`has an entry ${JSON.stringify(name)} whose name ${why}`);
  });

  it.each(['../', '/tmp/', 'a/../../'])(
    'refuses a directory entry named %j, though directories are skipped',
    (name) => {
      expect(refusal(zipOf([{ name, mode: 0o040755 }]))).toMatch(
        /^has an entry .* whose name (has a "\.\." segment|is an absolute path)/,
      );
    },
  );

  it('refuses a name given twice', () => {
    const zip = zipOf([
      { name: 'a.txt', content: '1' },
      { name: 'a.txt', content: '2' },
    ]);
    expect(refusal(zip)).toBe('has the file "a.txt" twice');
  });

  it('refuses names that differ only in case (they would collide on a case-insensitive file system)', () => {
    const zip = zipOf([
      { name: 'Data/A.txt', content: '1' },
      { name: 'data/a.TXT', content: '2' },
    ]);
    expect(refusal(zip)).toBe('has the files "Data/A.txt" and "data/a.TXT", whose names differ only in case');
  });

  it("refuses a file inside another file's name (the folder could not be made)", () => {
    const zip = zipOf([
      { name: 'x', content: '1' },
      { name: 'X/y', content: '2' },
    ]);
    expect(refusal(zip)).toBe('has the file "X/y" inside the file "x"');
  });

  it('refuses a local header that names another file than the central directory', () => {
    const zip = zipOf([{ name: 'safe.txt', localName: '../evil', content: 'x' }]);
    expect(refusal(zip)).toBe('is a damaged zip archive (the local header of "safe.txt" names another file)');
  });
});

describe('additional_files: entry types', () => {
  it('refuses a symlink, also one whose writer claims to be MS-DOS', () => {
    expect(refusal(zipOf([{ name: 'link', content: '/etc/passwd', mode: 0o120777 }]))).toBe(
      'has a symbolic link "link"; only regular files may be given',
    );
    expect(refusal(zipOf([{ name: 'link', content: '/etc/passwd', external: (0o120777 << 16) >>> 0 }]))).toBe(
      'has a symbolic link "link"; only regular files may be given',
    );
  });

  it.each([
    ['a FIFO', 0o010644],
    ['a character device', 0o020644],
    ['a block device', 0o060644],
    ['a socket', 0o140644],
  ])('refuses %s', (_what, mode) => {
    expect(refusal(zipOf([{ name: 'dev', mode }]))).toBe('has an entry "dev" that is not a regular file');
  });

  it('takes a file with permission bits and no type (what zipfile.writestr writes)', () => {
    expect(unpacked(zipOf([{ name: 'a', content: 'x', mode: 0o600 }]))).toEqual([{ name: 'a', content: 'x' }]);
  });
});

describe('additional_files: limits and bombs', () => {
  // 50 MB of zeros deflate to about 50 KB.
  const zeros = Buffer.alloc(50 * 1024 * 1024);
  const bomb = zlib.deflateRawSync(zeros);
  const bombCrc = zlib.crc32(zeros);
  const bombEntry = (size: number): ZipEntry => ({ name: 'zeros', method: 8, data: bomb, size, crc: bombCrc });

  /** The output limits the reader gives zlib: none may let an entry inflate past its budget. */
  function inflateLimits(): () => unknown[] {
    const spy = vi.spyOn(zlib, 'inflateRawSync');
    return () => spy.mock.calls.map((c) => (c[1] as zlib.ZlibOptions).maxOutputLength);
  }

  it('refuses a bomb that declares its true size, without inflating it', () => {
    const calls = inflateLimits();
    expect(refusal(zipOf([bombEntry(zeros.length)]))).toBe(`unpacks to more than ${limits.maxBytes} bytes`);
    expect(calls()).toEqual([]);
  });

  it('refuses a bomb that lies its size small, inflating no more than one byte past the lie', () => {
    const calls = inflateLimits();
    expect(refusal(zipOf([bombEntry(100)]))).toBe(
      'is a damaged zip archive ("zeros" unpacks to more than the 100 bytes its header declares)',
    );
    expect(calls()).toEqual([101]);
  });

  it('refuses a bomb that declares the whole budget, inflating at most the budget and a byte', () => {
    const calls = inflateLimits();
    expect(refusal(zipOf([bombEntry(limits.maxBytes)]))).toContain(
      `"zeros" unpacks to more than the ${limits.maxBytes} bytes its header declares`,
    );
    expect(calls()).toEqual([limits.maxBytes + 1]);
  });

  it('refuses a deflated file that unpacks to fewer bytes than it declares', () => {
    const zip = zipOf([{ name: 'a', content: 'abc', method: 8, size: 4 }]);
    expect(refusal(zip)).toBe('is a damaged zip archive ("a" unpacks to 3 bytes, not the 4 its header declares)');
  });

  it('refuses a stored file whose sizes disagree', () => {
    expect(refusal(zipOf([{ name: 'a', content: 'abc', size: 2 }]))).toBe(
      'is a damaged zip archive (the sizes of the stored file "a" disagree)',
    );
  });

  it('refuses files that are within the budget one by one but not together', () => {
    const zip = zipOf([
      { name: 'a', content: 'x'.repeat(6), method: 8 },
      { name: 'b', content: 'y'.repeat(5) },
    ]);
    expect(refusal(zip, { maxFiles: 10, maxBytes: 10 })).toBe('unpacks to more than 10 bytes');
  });

  it('refuses central entries that share one local header (overlapping files, each unpacking the same data)', () => {
    const one = zipOf([{ name: 'a0', content: 'z'.repeat(1000), method: 8 }]);
    const localEnd = one.readUInt32LE(one.length - 22 + 16);
    const central = one.subarray(localEnd, one.length - 22);
    const centrals = Array.from({ length: 10 }, (_, i) => {
      const c = Buffer.from(central);
      c.write(`a${i}`, 46, 'latin1');
      return c;
    });
    const eocd = Buffer.from(one.subarray(one.length - 22));
    eocd.writeUInt16LE(10, 8);
    eocd.writeUInt16LE(10, 10);
    eocd.writeUInt32LE(central.length * 10, 12);
    const zip = Buffer.concat([one.subarray(0, localEnd), ...centrals, eocd]);
    expect(refusal(zip, { maxFiles: 10, maxBytes: 100_000 })).toBe(
      'is a damaged zip archive (the local header of "a1" names another file)',
    );
  });

  it('refuses more than maxFiles files', () => {
    const entries = Array.from({ length: 4 }, (_, i) => ({ name: `f${i}`, content: 'x' }));
    expect(refusal(zipOf(entries), { maxFiles: 3, maxBytes: 100 })).toBe('holds more than 3 files');
    expect(unpackAdditionalFiles(zipOf(entries.slice(0, 3)), { maxFiles: 3, maxBytes: 100 })).toHaveLength(3);
  });
});

describe('additional_files: damaged and unsupported archives', () => {
  const good = zipOf([
    { name: 'a.txt', content: 'hello hello hello', method: 8 },
    { name: 'b.txt', content: 'world' },
  ]);

  it.each([
    ['text', Buffer.from('print("hello")')],
    ['nothing', Buffer.alloc(0)],
    ['a tar', Buffer.concat([Buffer.from('a.txt'), Buffer.alloc(1019)])],
    ['a zip cut short at the end', good.subarray(0, good.length - 5)],
    ['a zip with bytes after its end record', Buffer.concat([good, Buffer.from('junk')])],
  ])('says %s is not a valid zip archive', (_what, zip) => {
    expect(refusal(zip)).toBe('is not a valid zip archive');
  });

  it('refuses a zip whose beginning is missing (offsets point at the wrong bytes)', () => {
    expect(refusal(good.subarray(10))).toMatch(/^is a damaged zip archive \(/);
  });

  it('refuses a zip whose end record claims more entries than its central directory holds', () => {
    expect(refusal(zipOf([{ name: 'a', content: 'x' }], { count: 2 }))).toBe(
      'is a damaged zip archive (bad central directory entry)',
    );
    expect(refusal(zipOf([{ name: 'a', content: 'x' }], { count: 0 }))).toBe(
      'is a damaged zip archive (the central directory has a wrong size)',
    );
  });

  it('refuses a compressed size that reaches past the data', () => {
    expect(refusal(zipOf([{ name: 'a', content: 'abc', compressedSize: 1000, size: 1000 }]))).toBe(
      'is a damaged zip archive (the data of "a" lies outside the archive)',
    );
  });

  it('refuses a bad CRC, stored or deflated', () => {
    for (const method of [0, 8]) {
      const crc = zlib.crc32('abc') ^ 1;
      expect(refusal(zipOf([{ name: 'a', content: 'abc', method, crc }]))).toBe(
        'is a damaged zip archive (the CRC-32 of "a" does not match)',
      );
    }
  });

  it('refuses corrupt deflate data', () => {
    const data = zlib.deflateRawSync(Buffer.from('hello world, hello world')).subarray(0, 5);
    expect(refusal(zipOf([{ name: 'a', method: 8, data, size: 24 }]))).toBe(
      'is a damaged zip archive (the compressed data of "a" is corrupt)',
    );
    expect(refusal(zipOf([{ name: 'a', method: 8, data: Buffer.from([0xff, 0xff, 0xff]), size: 3 }]))).toBe(
      'is a damaged zip archive (the compressed data of "a" is corrupt)',
    );
  });

  it.each([
    [12, 'bzip2'],
    [14, 'LZMA'],
    [93, 'Zstandard'],
    [1, 'method 1'],
  ])('refuses compression method %i', (method, name) => {
    expect(refusal(zipOf([{ name: 'a', method, data: Buffer.from('whatever'), size: 3 }]))).toBe(
      `has an entry "a" compressed with ${name}; only "stored" and "deflate" are supported`,
    );
  });

  it('refuses an encrypted entry', () => {
    for (const flags of [0x0801, 0x0041, 0x2000]) {
      expect(refusal(zipOf([{ name: 'secret', content: 'x', flags }]))).toBe(
        'has an encrypted entry "secret", which is not supported',
      );
    }
  });

  it('refuses ZIP64 sizes and multi-disk archives', () => {
    expect(refusal(zipOf([{ name: 'big', content: 'x', size: 0xffffffff, compressedSize: 0xffffffff }]))).toBe(
      'is a ZIP64 archive, which is not supported',
    );
    expect(refusal(zipOf([{ name: 'a', content: 'x' }], { disk: 1 }))).toBe(
      'is a multi-disk zip archive, which is not supported',
    );
    expect(refusal(zipOf([{ name: 'a', content: 'x', disk: 2 }]))).toBe(
      'is a multi-disk zip archive, which is not supported',
    );
  });
});

describe('CRC-32 by table (for Node without zlib.crc32)', () => {
  it('agrees with the check value and with zlib', () => {
    expect(tableCrc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(tableCrc32(Buffer.alloc(0))).toBe(0);
    const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) & 0xff));
    expect(tableCrc32(bytes)).toBe(zlib.crc32(bytes));
  });
});
