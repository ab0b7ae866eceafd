import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type TensorInfo = tf.TensorInfo;

/** Typed-array access to a backend's tensors, by backend. */
export interface HeapAccess {
  read(info: TensorInfo): Float32Array;
  /** A new float32 output and a writable view of it. */
  create(shape: number[]): { info: TensorInfo; values: Float32Array };
}

function wasmAccess(backend: BackendWasm): HeapAccess {
  return {
    read: (info) => backend.typedArrayFromHeap(info) as Float32Array,
    create: (shape) => {
      const info = backend.makeOutput(shape, 'float32');
      return { info, values: backend.typedArrayFromHeap(info) as Float32Array };
    },
  };
}

interface CpuBackendData {
  data: { get(id: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array):
    TensorInfo;
}

function cpuAccess(backend: CpuBackendData): HeapAccess {
  return {
    read: (info) => backend.data.get(info.dataId).values,
    create: (shape) => {
      const values = new Float32Array(shape.reduce((p, d) => p * d, 1));
      return { info: backend.makeTensorInfo(shape, 'float32', values), values };
    },
  };
}

/**
 * Heap access for `backend`, the backend object a kernel function gets:
 * views into the wasm heap, or the cpu backend's arrays. On wasm, take
 * views only after the last output is created: a heap resize detaches
 * older ones.
 */
export function accessFor(backendName: string, backend: unknown): HeapAccess {
  return backendName === 'wasm'
    ? wasmAccess(backend as BackendWasm)
    : cpuAccess(backend as CpuBackendData);
}
