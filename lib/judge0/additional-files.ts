// Judge0's `additional_files`: a zip whose files are placed beside the program's source file. The zip
// comes from the client, so nothing in it is trusted: this is a small reader of our own (stored and
// deflate entries only) that refuses every name that is not a plain relative path, every entry that
// is not a regular file, and every archive that unpacks to more than the limits, counting the bytes
// it actually inflates (a header's sizes can lie).
import zlib from 'node:zlib';
import { fileNameProblem } from '../contract/file-name';
import { brandedError } from '../util/branded-error';

/** A file of the zip: its path (`/` between folders) and its bytes. Fits the core's `SourceFile`. */
export interface AdditionalFile {
  name: string;
  content: Buffer;
}

export interface AdditionalFilesLimits {
  /** The most files (directory entries do not count). */
  maxFiles: number;
  /** The most bytes the files hold in all, unpacked. */
  maxBytes: number;
}

/**
 * Why the zip is refused. The message reads after the field's name ("additional_files is not a valid
 * zip archive"): the front door sends it as Judge0's 422 `{"additional_files":["<message>"]}`.
 */
export class AdditionalFilesError extends brandedError('AdditionalFilesError') {}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;

const FLAG_ENCRYPTED = 0x0001;
const FLAG_STRONG_ENCRYPTION = 0x0040;
const FLAG_UTF8 = 0x0800;
const FLAG_MASKED_HEADERS = 0x2000;

const STORED = 0;
const DEFLATE = 8;
/** Methods other writers use, named in the refusal so the client knows what to change. */
const METHOD_NAMES: Record<number, string> = { 9: 'deflate64', 12: 'bzip2', 14: 'LZMA', 93: 'Zstandard', 95: 'XZ' };

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const DOS_DIRECTORY = 0x10;

function fail(message: string): never {
  throw new AdditionalFilesError(message);
}

function damaged(why: string): never {
  return fail(`is a damaged zip archive (${why})`);
}

/** Where the End Of Central Directory record starts: searched from the end, past a comment of up to 64 KiB. */
function findEocd(zip: Buffer): number {
  const lowest = Math.max(0, zip.length - EOCD_SIZE - MAX_COMMENT);
  for (let at = zip.length - EOCD_SIZE; at >= lowest; at--) {
    // The comment's length must reach the end exactly: a signature inside a comment does not.
    if (zip.readUInt32LE(at) === EOCD_SIGNATURE && at + EOCD_SIZE + zip.readUInt16LE(at + 20) === zip.length) {
      return at;
    }
  }
  return fail('is not a valid zip archive');
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (the zip one) by table: for Node before 20.15, which has no `zlib.crc32`. */
export function tableCrc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
const crc32 = (data: Uint8Array): number => (nativeCrc32 ? nativeCrc32(data) >>> 0 : tableCrc32(data));

/** Why `name` (an entry's path, a directory's without its last "/") may not be unpacked, or undefined. */
function nameProblem(name: string): string | undefined {
  // Named before the general rule, whose message ("may hold only letters, …") would not say why.
  if (name.includes('\0')) return 'holds a NUL character';
  if (name.includes('\\')) return 'uses "\\" (folders are separated by "/")';
  if (/^[A-Za-z]:/.test(name)) return 'starts with a drive letter';
  // The rule for every program's file names (names reach compilers' command lines): it refuses
  // absolute paths, "..", ".", empty segments (so a name is already in normal form) and, by its
  // character set, anything that Unicode normalisation could change.
  return fileNameProblem(name);
}

const shown = (name: string) => JSON.stringify(name);

interface Entry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  rawName: Buffer;
}

/** The file entries of the central directory, and where it starts (every entry's data lies before it). */
function readCentralDirectory(zip: Buffer, limits: AdditionalFilesLimits): { entries: Entry[]; dataEnd: number } {
  const eocd = findEocd(zip);
  const disk = zip.readUInt16LE(eocd + 4);
  const centralDisk = zip.readUInt16LE(eocd + 6);
  const diskEntries = zip.readUInt16LE(eocd + 8);
  const count = zip.readUInt16LE(eocd + 10);
  const centralSize = zip.readUInt32LE(eocd + 12);
  const centralOffset = zip.readUInt32LE(eocd + 16);
  if (disk !== 0 || centralDisk !== 0 || diskEntries !== count) {
    fail('is a multi-disk zip archive, which is not supported');
  }
  // ZIP64 puts these sentinels here and the real values in a record of its own.
  if (count === 0xffff || centralSize === 0xffffffff || centralOffset === 0xffffffff) {
    fail('is a ZIP64 archive, which is not supported');
  }
  if (centralOffset + centralSize > eocd) damaged('the central directory lies outside the archive');

  const entries: Entry[] = [];
  let at = centralOffset;
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_SIZE > centralOffset + centralSize || zip.readUInt32LE(at) !== CENTRAL_SIGNATURE) {
      damaged('bad central directory entry');
    }
    const madeBy = zip.readUInt16LE(at + 4);
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const entryDisk = zip.readUInt16LE(at + 34);
    const external = zip.readUInt32LE(at + 38);
    const localOffset = zip.readUInt32LE(at + 42);
    const end = at + CENTRAL_SIZE + nameLength + extraLength + commentLength;
    if (end > centralOffset + centralSize) damaged('bad central directory entry');
    const rawName = zip.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength);
    // Without the UTF-8 flag a name is CP437; only ASCII passes the name check, where the two agree.
    const fullName = rawName.toString(flags & FLAG_UTF8 ? 'utf8' : 'latin1');
    at = end;

    // The mode is Unix's when the high 16 bits are set (whichever system the writer says it ran on:
    // a symlink must not pass for a file by claiming to come from DOS).
    const mode = external >>> 16;
    const type = mode & S_IFMT;
    if (type === S_IFLNK) fail(`has a symbolic link ${shown(fullName)}; only regular files may be given`);
    const directory =
      fullName.endsWith('/') || type === S_IFDIR || (madeBy >> 8 === 0 && (external & DOS_DIRECTORY) !== 0);
    // No type at all is a regular file: Python's zipfile writes only permission bits for `writestr`.
    if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) {
      fail(`has an entry ${shown(fullName)} that is not a regular file`);
    }
    const name = directory ? fullName.replace(/\/$/, '') : fullName;
    const problem = nameProblem(name);
    if (problem) fail(`has an entry ${shown(fullName)} whose name ${problem}`);
    if (directory) continue;

    if (entryDisk !== 0) fail('is a multi-disk zip archive, which is not supported');
    if (flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION | FLAG_MASKED_HEADERS)) {
      fail(`has an encrypted entry ${shown(name)}, which is not supported`);
    }
    if (method !== STORED && method !== DEFLATE) {
      const known = METHOD_NAMES[method];
      fail(
        `has an entry ${shown(name)} compressed with ${known ?? `method ${method}`}; only "stored" and "deflate" are supported`,
      );
    }
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) {
      fail('is a ZIP64 archive, which is not supported');
    }
    entries.push({ name, method, crc, compressedSize, size, localOffset, rawName });
    if (entries.length > limits.maxFiles) fail(`holds more than ${limits.maxFiles} files`);
  }
  if (at !== centralOffset + centralSize) damaged('the central directory has a wrong size');
  return { entries, dataEnd: centralOffset };
}

/** Two names that differ only in case, and a file named like another's folder, cannot both be written. */
function checkNamesTogether(entries: Entry[]): void {
  // Case-folded: such names would overwrite each other on a case-insensitive file system (macOS and
  // Windows, where these zips are often made), so the program could not rely on both anyway.
  const folded = new Map<string, string>();
  for (const e of entries) {
    const key = e.name.toLowerCase();
    const other = folded.get(key);
    if (other !== undefined) {
      fail(
        other === e.name
          ? `has the file ${shown(e.name)} twice`
          : `has the files ${shown(other)} and ${shown(e.name)}, whose names differ only in case`,
      );
    }
    folded.set(key, e.name);
  }
  for (const e of entries) {
    const key = e.name.toLowerCase();
    for (let i = key.indexOf('/'); i >= 0; i = key.indexOf('/', i + 1)) {
      const file = folded.get(key.slice(0, i));
      if (file !== undefined) fail(`has the file ${shown(e.name)} inside the file ${shown(file)}`);
    }
  }
}

/** An entry's stored bytes, found through its local header. */
function entryData(zip: Buffer, e: Entry, end: number): Buffer {
  const at = e.localOffset;
  if (at + LOCAL_SIZE > end || zip.readUInt32LE(at) !== LOCAL_SIGNATURE)
    damaged(`bad local header for ${shown(e.name)}`);
  const nameLength = zip.readUInt16LE(at + 26);
  const extraLength = zip.readUInt16LE(at + 28);
  const nameStart = at + LOCAL_SIZE;
  // A local name that differs from the central one is how some archives show one file and unpack another.
  if (nameStart + nameLength > end || !zip.subarray(nameStart, nameStart + nameLength).equals(e.rawName)) {
    damaged(`the local header of ${shown(e.name)} names another file`);
  }
  const dataStart = nameStart + nameLength + extraLength;
  if (dataStart + e.compressedSize > end) damaged(`the data of ${shown(e.name)} lies outside the archive`);
  return zip.subarray(dataStart, dataStart + e.compressedSize);
}

/**
 * The files of a zip (Judge0's `additional_files`, decoded), in the archive's order; directory entries
 * are left out (a file's path makes its folders). Throws AdditionalFilesError for a zip that is not
 * well-formed, that has a name which is not a plain relative path, a link or another non-regular
 * entry, an encrypted or an unsupported entry, or more than `limits` allow.
 */
export function unpackAdditionalFiles(zip: Buffer, limits: AdditionalFilesLimits): AdditionalFile[] {
  const { entries, dataEnd } = readCentralDirectory(zip, limits);
  checkNamesTogether(entries);
  const tooLarge = () => fail(`unpacks to more than ${limits.maxBytes} bytes`);
  const files: AdditionalFile[] = [];
  let remaining = limits.maxBytes;
  for (const e of entries) {
    // A declared size may refuse an entry before any work; it is never trusted to accept one.
    if (e.size > remaining) tooLarge();
    const data = entryData(zip, e, dataEnd);
    let content: Buffer;
    if (e.method === STORED) {
      if (e.compressedSize !== e.size) damaged(`the sizes of the stored file ${shown(e.name)} disagree`);
      content = Buffer.from(data);
    } else {
      try {
        // One byte past the declared size (itself within the budget) shows a lying header without
        // inflating the rest: the memory a bomb can take is bounded by what may be unpacked.
        content = zlib.inflateRawSync(data, { maxOutputLength: e.size + 1 });
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
          damaged(`${shown(e.name)} unpacks to more than the ${e.size} bytes its header declares`);
        }
        damaged(`the compressed data of ${shown(e.name)} is corrupt`);
      }
    }
    if (content.length > remaining) tooLarge();
    if (content.length !== e.size) {
      damaged(`${shown(e.name)} unpacks to ${content.length} bytes, not the ${e.size} its header declares`);
    }
    if (crc32(content) !== e.crc) damaged(`the CRC-32 of ${shown(e.name)} does not match`);
    remaining -= content.length;
    files.push({ name: e.name, content });
  }
  return files;
}
