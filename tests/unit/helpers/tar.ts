// Tar archives made by hand for the tests of lib/util/tar-files.ts and of test cases in the core:
// ustar headers as GNU tar writes them, with any type, name and mode (hostile ones included).

const BLOCK = 512;

export interface Entry {
  name: string;
  content?: Buffer | string;
  /** '0' regular file (default), '5' directory, '2' symlink, 'L' a GNU long name for the next entry. */
  type?: string;
  mode?: number;
}

function header(e: Entry, size: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(e.name.slice(0, 100), 0, 'utf8');
  h.write(`${(e.mode ?? 0o644).toString(8).padStart(7, '0')}\0`, 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h.write(e.type ?? '0', 156, 'latin1');
  h.write('ustar  \0', 257, 'latin1');
  h.fill(32, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

export function tarOf(entries: Entry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const content = Buffer.from(e.content ?? '');
    parts.push(header(e, content.length), content, Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}
