// The splits of `--dataset folder:PATH`: the user's own images, one folder per class. PATH/train
// and PATH/test (or PATH/val) are the two splits, as torchvision users lay them out; a PATH that
// holds the class folders itself is split 80/20 within each class (so that every class with two
// images or more is in both splits), the same way every time (the split is part of the data, not
// of a seed).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Generator } from '../data/generator.js';
import { selectExamples } from '../vision/datasets/array.js';
import { ImageFolder } from '../vision/datasets/image_folder.js';
import type { ImageClassificationDataset } from '../vision/datasets/types.js';

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

// The report's penultimate-layer figure projects onto the templates of three classes.
const MIN_CLASSES = 3;

function checkClasses(ds: ImageFolder, path: string): ImageFolder {
  if (ds.classes.length < MIN_CLASSES) {
    throw new Error(`--dataset folder:${path}: the study needs at least ${MIN_CLASSES} classes (its report projects onto three class templates); ${ds.root} has ${ds.classes.length} (${ds.classes.join(', ')})`);
  }
  return ds;
}

/** The folder of a `folder:PATH` dataset, or null for a built-in one. */
export function folderOf(dataset: string): string | null {
  return dataset.startsWith('folder:') ? dataset.slice('folder:'.length) : null;
}

/** Both splits of a folder of class folders; the test images are resized to the training images' size. */
export function folderSplits(path: string): { train: ImageClassificationDataset; test: ImageClassificationDataset } {
  if (!isDir(path)) throw new Error(`--dataset folder:${path}: no such folder`);
  const trainDir = join(path, 'train');
  if (isDir(trainDir)) {
    const testDir = ['test', 'val'].map((name) => join(path, name)).find(isDir);
    if (testDir === undefined) throw new Error(`--dataset folder:${path}: it has train/ but neither test/ nor val/; add one, or put the class folders in ${path} itself to split them 80/20`);
    const train = checkClasses(new ImageFolder({ root: trainDir }), path);
    return { train, test: new ImageFolder({ root: testDir, size: [train.height, train.width] }) };
  }
  const all = checkClasses(new ImageFolder({ root: path }), path);
  if (all.length < 2) throw new Error(`--dataset folder:${path}: ${all.length} image cannot be split into training and test images`);
  const generator = new Generator(0);
  const [train, test]: number[][] = [[], []];
  all.classes.forEach((_, label) => {
    const members = Array.from(all.labels.keys()).filter((i) => all.labels[i] === label);
    const order = generator.randperm(members.length);
    const cut = members.length < 2 ? members.length : Math.min(members.length - 1, Math.max(1, Math.round(0.8 * members.length)));
    order.forEach((k, j) => (j < cut ? train : test).push(members[k]));
  });
  return { train: selectExamples(all, train.sort((a, b) => a - b)), test: selectExamples(all, test.sort((a, b) => a - b)) };
}
