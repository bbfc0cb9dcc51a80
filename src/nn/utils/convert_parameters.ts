// Parameters as one flat vector and back (torch.nn.utils.parameters_to_vector / vector_to_parameters):
// what line searches, evolution strategies and second-order methods work on.
import { tidy } from '../../torch/memory.js';
import { cat } from '../../torch/ops.js';
import { Tensor } from '../../torch/tensor.js';

// PyTorch's _check_param_device: the flat form supports parameters on one device only.
function checkDevices(where: string, params: Tensor[]): void {
  for (const p of params) {
    if (!(p instanceof Tensor)) throw new TypeError(`${where}: parameters must be Tensors, but one is ${typeof p}`);
  }
  if (params.some((p) => p.device !== params[0].device)) {
    throw new TypeError(`${where}: Found two parameters on different devices, this is currently not supported.`);
  }
}

/** All of `parameters` flattened and concatenated into one new vector (differentiable, as in PyTorch). */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  const params = [...parameters];
  checkDevices('parametersToVector', params);
  return tidy(() => cat(params.map((p) => p.view([-1]))));
}

/**
 * Makes each of `parameters` a view of its slice of `vec`, in order (PyTorch's `param.data = ...`):
 * the parameters then share `vec`'s memory, which stays alive after `vec` is disposed.
 */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  const where = 'vectorToParameters';
  if (!(vec instanceof Tensor)) throw new TypeError(`${where}: expected torch.Tensor, but got: ${vec === null ? 'null' : typeof vec}`);
  const params = [...parameters];
  checkDevices(where, params);
  // PyTorch finds a short vector only at the first parameter it cannot fill, after replacing the
  // earlier ones; checking first leaves every parameter as it was.
  if (vec.ndim !== 1) throw new RangeError(`${where}: vec must be one-dimensional, got shape [${vec.shape.join(', ')}]`);
  const needed = params.reduce((n, p) => n + p.numel(), 0);
  if (vec.numel() < needed) throw new RangeError(`${where}: vec has ${vec.numel()} elements, the parameters need ${needed}`);
  tidy(() => {
    let pointer = 0;
    for (const p of params) {
      const n = p.numel();
      p.setData_(vec.slice(0, pointer, pointer + n).view(p.shape).detach());
      pointer += n;
    }
  });
}
