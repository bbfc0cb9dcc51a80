// smoothlab.vision.datasets: image-classification datasets read from local files.
export { MNIST, FashionMNIST, MnistFamilyDataset, type MnistOptions, MNIST_CLASSES, FASHION_MNIST_CLASSES, FASHION_MNIST_DEBIAN_ROOT } from './mnist.js';
export { readIdx, parseIdx, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, type IdxArray } from './idx.js';
export type { ImageSample, ImageClassificationDataset } from './types.js';
