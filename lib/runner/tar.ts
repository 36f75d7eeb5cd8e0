// Source files travel into the sandbox as a tar on an exec's stdin (never through a host folder).

import tar from 'tar-stream';

/** A tar of `files` inside the folder `dir` (which the tar creates too). */
export function makeTar(files: Record<string, string | Buffer>, dir: string): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name: dir, type: 'directory', mode: 0o700, mtime: new Date(0) });
  for (const [name, content] of Object.entries(files)) {
    pack.entry({ name: `${dir}/${name}`, mode: 0o644, mtime: new Date(0) }, typeof content === 'string' ? Buffer.from(content) : content);
  }
  pack.finalize();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    pack.on('data', (c) => chunks.push(c as Buffer));
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
}
