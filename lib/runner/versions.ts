// Toolchain versions, read from the image labels written when the image was built (never typed in).

import type { Runtime } from '../server/runtime';
import { imageFor } from './languages';

const cache = new Map<string, string | null>();

export async function languageVersions(rt: Runtime): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const id of rt.pools.keys()) {
    if (!cache.has(id)) {
      try {
        const info = await rt.engine.docker.getImage(imageFor(rt.config.imagePrefix, id)).inspect();
        const v = info.Config?.Labels?.['webcompile.version'] ?? null;
        if (v) cache.set(id, v);
        out[id] = v;
        continue;
      } catch {
        out[id] = null;
        continue;
      }
    }
    out[id] = cache.get(id) ?? null;
  }
  return out;
}
