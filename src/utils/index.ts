// smoothlab utilities: a restricted pickle reader (with NumPy arrays), PyTorch .pth checkpoints, zip.
export { readPickle, PickleError, PickleGlobal, SETSTATE, DEFAULT_GLOBAL_NAMES, encodeString, latin1String,
  type ReadPickleOptions, type GlobalHandler, type Settable } from './pickle.js';
export { numpyGlobals, NDArray, NumpyDtypeRef, type NumpyDType, type NumpyData } from './pickle_numpy.js';
export { readPth, loadPth, isLegacyTorchSave } from './pth.js';
export { ZipArchive, isZip, type ZipEntry } from './zip.js';
