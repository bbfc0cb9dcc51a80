// smoothlab/log: TensorBoard event files and progress display.
export { TensorBoardWriter, histogram, type ImageData } from './tensorboard.js';
export { encodePng } from './png.js';
export { crc32c, maskedCrc32c } from './crc32c.js';
export { Progress, formatDuration, type ProgressOptions, type ProgressStream } from './progress.js';
