// Zip archives made by hand for the tests of lib/judge0/additional-files.ts: stored and deflate
// entries with any name, mode, method and flags, and headers that can lie about sizes and CRCs
// (hostile archives included). CRCs come from zlib, not from the reader under test.
import zlib from 'node:zlib';

export interface ZipEntry {
  /** Written as given (UTF-8): "/" ends a directory's name, and nothing is checked. */
  name: string;
  content?: Buffer | string;
  /** 0 stored (the default), 8 deflate; any other number is written as is, with `data` as the bytes. */
  method?: number;
  /** The entry's bytes as stored, instead of `content` stored or deflated. */
  data?: Buffer;
  /** The uncompressed size the headers declare (the true one by default). */
  size?: number;
  /** The compressed size the headers declare (the true one by default). */
  compressedSize?: number;
  crc?: number;
  /** A Unix mode (type and permissions) for the external attributes' high 16 bits; "made by" Unix. */
  mode?: number;
  /** The external attributes as a whole (overrides `mode`), with "made by" MS-DOS unless `mode` is set. */
  external?: number;
  flags?: number;
  /** The name in the local header, when it should differ from the central directory's. */
  localName?: string;
  /** The disk the entry starts on. */
  disk?: number;
}

export interface ZipOptions {
  comment?: string | Buffer;
  /** The EOCD's number of entries (the true one by default). */
  count?: number;
  /** The EOCD's disk number. */
  disk?: number;
}

const MADE_BY_UNIX = (3 << 8) | 20;
const MADE_BY_DOS = 20;

export function zipOf(entries: ZipEntry[], options: ZipOptions = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const content = Buffer.from(e.content ?? '');
    const method = e.method ?? 0;
    const data = e.data ?? (method === 8 ? zlib.deflateRawSync(content) : content);
    const name = Buffer.from(e.name, 'utf8');
    const localName = Buffer.from(e.localName ?? e.name, 'utf8');
    const crc = e.crc ?? zlib.crc32(content);
    const size = e.size ?? content.length;
    const compressedSize = e.compressedSize ?? data.length;
    const flags = e.flags ?? 0x0800;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(compressedSize, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(localName.length, 26);
    locals.push(local, localName, data);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(e.mode !== undefined ? MADE_BY_UNIX : MADE_BY_DOS, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(compressedSize, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(e.disk ?? 0, 34);
    const external = e.external ?? (e.mode !== undefined ? (e.mode << 16) >>> 0 : 0);
    central.writeUInt32LE(external >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + localName.length + data.length;
  }
  const centralDirectory = Buffer.concat(centrals);
  const comment = Buffer.from(options.comment ?? '');
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(options.disk ?? 0, 4);
  eocd.writeUInt16LE(options.count ?? entries.length, 8);
  eocd.writeUInt16LE(options.count ?? entries.length, 10);
  eocd.writeUInt32LE(centralDirectory.length, 12);
  eocd.writeUInt32LE(offset, 16);
  eocd.writeUInt16LE(comment.length, 20);
  return Buffer.concat([...locals, centralDirectory, eocd, comment]);
}
