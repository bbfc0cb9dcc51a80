// Datasets for the DataLoader tests, importable by worker threads through their workerSpec.
import type { data } from '../../src/index.js';

/** Sample i is the number i. */
export class RangeDataset implements data.Dataset<number> {
  constructor(readonly length: number) {}

  get(i: number): number {
    if (!(i >= 0 && i < this.length)) throw new RangeError(`index ${i}`);
    return i;
  }

  workerSpec(): data.DatasetSpec {
    return { module: import.meta.url, name: 'RangeDataset', args: [this.length] };
  }
}
