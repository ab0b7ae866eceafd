import * as tf from '@tensorflow/tfjs';
// Registers the stock wasm kernels first, so ours replace them and not the
// other way round.
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { concatWasm } from './concat.ts';
import {
  conv2DBackpropFilterWasm,
  type Conv2DBackpropFilterAttrs,
} from './conv2d-backprop-filter.ts';
import {
  conv2DBackpropInputWasm,
  type Conv2DBackpropInputAttrs,
} from './conv2d-backprop-input.ts';
import { registerDepthToSpaceGradient } from './depth-to-space-grad.ts';
import { KernelUnavailableError } from './errors.ts';
import { resizeBilinearGradWasm } from './resize-bilinear-grad.ts';
import { sliceWasm } from './slice.ts';
import { unsortedSegmentSumWasm } from './unsorted-segment-sum.ts';
import { registerWarpKernels } from './warp-bilinear.ts';

type TensorInfo = tf.TensorInfo;

/**
 * Kernels this module registers for the `wasm` backend. The wasm backend in
 * @tensorflow/tfjs-backend-wasm 4.22 lacks `Conv2DBackpropFilter` and
 * `UnsortedSegmentSum` (the gradient of gather), its
 * `Conv2DBackpropInput` (also the forward pass of conv2dTranspose) runs at a
 * sixth of the speed of its conv2d, and its `ResizeBilinearGrad` ignores
 * `halfPixelCenters`, and its `Concat` and `Slice` copy channel-wise
 * concatenations and slices one pixel at a time; these replace or add them.
 */
export const WASM_KERNEL_NAMES = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'UnsortedSegmentSum',
  'ResizeBilinearGrad',
  'Concat',
  'Slice',
] as const;

let registered = false;

/**
 * Registers the kernels of {@link WASM_KERNEL_NAMES} for the `wasm` backend
 * and a gradient for `DepthToSpace` (tfjs-core has none, on any backend).
 * Idempotent; runs on import of this module.
 */
export function registerWasmKernels(): void {
  if (registered) {
    return;
  }
  registered = true;

  // The stock input gradient stays as the NCHW fallback.
  const stockInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (stockInput !== undefined) {
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  }
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
      if (attrs.dataFormat === 'NCHW' && stockInput !== undefined) {
        return stockInput.kernelFunc(args);
      }
      return conv2DBackpropInputWasm({
        inputs: args.inputs as { dy: TensorInfo; filter: TensorInfo },
        backend: args.backend as BackendWasm,
        attrs,
      });
    },
  });

  replaceKernel('Conv2DBackpropFilter', (args) =>
    conv2DBackpropFilterWasm({
      inputs: args.inputs as { x: TensorInfo; dy: TensorInfo },
      backend: args.backend as BackendWasm,
      attrs: args.attrs as unknown as Conv2DBackpropFilterAttrs,
    }),
  );
  replaceKernel('UnsortedSegmentSum', (args) =>
    unsortedSegmentSumWasm({
      inputs: args.inputs as { x: TensorInfo; segmentIds: TensorInfo },
      backend: args.backend as BackendWasm,
      attrs: args.attrs as unknown as { numSegments: number },
    }),
  );

  replaceKernel('ResizeBilinearGrad', (args) =>
    resizeBilinearGradWasm({
      inputs: args.inputs as { images: TensorInfo; dy: TensorInfo },
      backend: args.backend as BackendWasm,
      attrs: args.attrs as unknown as {
        alignCorners: boolean;
        halfPixelCenters: boolean;
      },
    }),
  );

  // The stock concat stays for strings and mixed dtypes.
  const stockConcat = tf.getKernel('Concat', 'wasm');
  replaceKernel('Concat', (args) => {
    const out = concatWasm({
      inputs: args.inputs as unknown as TensorInfo[],
      backend: args.backend as BackendWasm,
      attrs: args.attrs as unknown as { axis: number | number[] },
    });
    if (out !== undefined) {
      return out;
    }
    if (stockConcat === undefined) {
      throw new KernelUnavailableError('Concat');
    }
    return stockConcat.kernelFunc(args);
  });

  // The stock slice stays for strings.
  const stockSlice = tf.getKernel('Slice', 'wasm');
  replaceKernel('Slice', (args) => {
    const out = sliceWasm({
      inputs: args.inputs as unknown as { x: TensorInfo },
      backend: args.backend as BackendWasm,
      attrs: args.attrs as unknown as {
        begin: number | number[];
        size: number | number[];
      },
    });
    if (out !== undefined) {
      return out;
    }
    if (stockSlice === undefined) {
      throw new KernelUnavailableError('Slice');
    }
    return stockSlice.kernelFunc(args);
  });

  registerDepthToSpaceGradient();
  registerWarpKernels();
}

function replaceKernel(kernelName: string, kernelFunc: tf.KernelFunc): void {
  if (tf.getKernel(kernelName, 'wasm') !== undefined) {
    tf.unregisterKernel(kernelName, 'wasm');
  }
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
}

registerWasmKernels();
