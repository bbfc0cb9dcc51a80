// smoothlab.vision.datasets: image-classification datasets read from local files (or downloaded).
export { MNIST, FashionMNIST, MnistFamilyDataset, type MnistOptions, type MnistLoadOptions, type MnistSource, MNIST_CLASSES, FASHION_MNIST_CLASSES, FASHION_MNIST_DEBIAN_ROOT } from './mnist.js';
export { CIFAR10, CIFAR100, CifarDataset, CIFAR_RESOURCES, type CifarOptions, type CifarLoadOptions, type CifarFormat } from './cifar.js';
export { SyntheticImages, type SyntheticImagesOptions } from './synthetic.js';
export { ImageArrayDataset, sharedBytes, sharedLabels, selectExamples, checkImageArrays, type ImageArrays } from './array.js';
export { channelStats, labelHistogram, type ChannelStats } from './stats.js';
export { downloadFile, downloadAndExtract, md5File, checkMd5, type Resource, type DownloadOptions, type ExtractOptions } from './download.js';
export { extractTarGz, type TarEntry } from './tar.js';
export { readIdx, parseIdx, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, type IdxArray } from './idx.js';
export type { ImageSample, ImageClassificationDataset } from './types.js';
export { ImageFolder, findImageFiles, IMAGE_FOLDER_EXTENSIONS, type ImageFolderOptions } from './image_folder.js';
