// smoothlab utilities: a restricted pickle reader (with NumPy arrays), zip archives (torch/pth.ts reads .pth checkpoints with them).
export { readPickle, PickleError, PickleGlobal, SETSTATE, DEFAULT_GLOBAL_NAMES, encodeString, latin1String,
  type ReadPickleOptions, type GlobalHandler, type Settable } from './pickle.js';
export { numpyGlobals, NDArray, NumpyDtypeRef, type NumpyDType, type NumpyData } from './pickle_numpy.js';
export { ZipArchive, isZip, type ZipEntry } from './zip.js';
