// Transforms that misbehave on purpose, for the DataLoader's failure tests; importable by worker
// threads through their spec (module URL + class name).
import type { Image, HWCImage, Transform, TransformSpec } from '../../src/vision/transforms/index.js';
import { functional as F } from '../../src/vision/transforms/index.js';

/** Converts to CHW, but throws on any image whose first byte is `marker`. */
export class ThrowOnMarker implements Transform<HWCImage, Image> {
  constructor(readonly options: { marker: number }) {}

  forward(img: HWCImage): Image {
    if (img.data[0] === this.options.marker) throw new RangeError(`marker byte ${this.options.marker} found`);
    return F.toImage(img);
  }

  toSpec(): TransformSpec {
    return { module: import.meta.url, name: 'ThrowOnMarker', options: this.options };
  }
}

/** Converts to CHW, but ends its thread (as a crash would) on an image whose first byte is `marker`. */
export class ExitOnMarker implements Transform<HWCImage, Image> {
  constructor(readonly options: { marker: number }) {}

  forward(img: HWCImage): Image {
    if (img.data[0] === this.options.marker) process.exit(3);
    return F.toImage(img);
  }

  toSpec(): TransformSpec {
    return { module: import.meta.url, name: 'ExitOnMarker', options: this.options };
  }
}
