// Each language's image id and toolchain version, read from the engine once and then kept: the id
// is part of the compile cache key (a rebuilt image takes effect at the next start, which also starts
// with an empty cache), the version is what /api/languages shows.

import type { Engine } from '../engine/engine';
import { imageFor } from './languages';

export interface ImageInfo {
  id: string;
  /** The toolchain version the image build wrote into its label (never typed in). */
  version: string | null;
}

export class Images {
  private readonly known = new Map<string, ImageInfo>();

  constructor(
    private readonly engine: Engine,
    private readonly prefix: string,
  ) {}

  /** The image of `language`, or null when it is missing or the engine cannot say (asked again next time). */
  async info(language: string): Promise<ImageInfo | null> {
    const known = this.known.get(language);
    if (known) return known;
    const image = await this.engine.inspectImage(imageFor(this.prefix, language)).catch(() => null);
    if (!image) return null;
    const info = { id: image.id, version: image.labels['webcompile.version'] ?? null };
    this.known.set(language, info);
    return info;
  }
}
