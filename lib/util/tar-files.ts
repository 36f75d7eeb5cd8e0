// Reads the regular files out of a tar archive (what GNU tar writes by default: ustar headers, with
// "L" entries for long names). Used for what a compile made in one sandbox, to hand it to the next:
// the archive comes from a sandbox, so nothing in it is trusted. Directories are skipped (a file's
// path makes them); links, devices and anything else, and every path that is not plainly relative,
// make the archive refused.

export interface TarFile {
  path: string;
  content: Buffer;
  /** 0o755 when any execute bit was set, else 0o644. */
  mode: number;
}

const BLOCK = 512;

export class TarError extends Error {}

function text(b: Buffer, start: number, length: number): string {
  const field = b.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? field.length : end).toString('utf8');
}

function octal(b: Buffer, start: number, length: number, what: string): number {
  const s = text(b, start, length).trim();
  if (!/^[0-7]+$/.test(s)) throw new TarError(`bad ${what} field`);
  return parseInt(s, 8);
}

function checkedPath(raw: string): string {
  const path = raw.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  const segments = path.split('/');
  if (path === '' || path.startsWith('/') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new TarError(`path ${JSON.stringify(raw)} is not plainly relative`);
  }
  return path;
}

export function readTarFiles(archive: Buffer): TarFile[] {
  const files: TarFile[] = [];
  let longName: string | null = null;
  for (let at = 0; at + BLOCK <= archive.length;) {
    const header = archive.subarray(at, at + BLOCK);
    if (header.every((byte) => byte === 0)) break; // the end-of-archive blocks
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
    if (sum !== octal(header, 148, 8, 'checksum')) throw new TarError('bad header checksum');
    const size = octal(header, 124, 12, 'size');
    const type = String.fromCharCode(header[156] || 48); // NUL is an old regular file
    const dataStart = at + BLOCK;
    if (dataStart + size > archive.length) throw new TarError('archive ends inside a file');
    const data = archive.subarray(dataStart, dataStart + size);
    at = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') {
      longName = text(data, 0, data.length);
      continue;
    }
    const prefix = text(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = null;
    if (type === '5') continue; // made by the paths of its files
    if (type !== '0' && type !== '7') throw new TarError(`entry ${JSON.stringify(name)} is not a regular file`);
    const mode = octal(header, 100, 8, 'mode') & 0o111 ? 0o755 : 0o644;
    files.push({ path: checkedPath(name), content: Buffer.from(data), mode });
  }
  return files;
}
