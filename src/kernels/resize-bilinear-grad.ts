import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type TensorInfo = tf.TensorInfo;

/** Source position of one output row or column, as the forward pass reads it. */
interface Tap {
  low: number;
  high: number;
  frac: number;
}

function sourceTaps(
  outSize: number,
  inSize: number,
  alignCorners: boolean,
  halfPixelCenters: boolean,
): Tap[] {
  const aligned = alignCorners && outSize > 1;
  const ratio = (aligned ? inSize - 1 : inSize) / (aligned ? outSize - 1 : outSize);
  const taps: Tap[] = [];
  for (let o = 0; o < outSize; o++) {
    const source = halfPixelCenters ? ratio * (o + 0.5) - 0.5 : ratio * o;
    const low = Math.max(0, Math.floor(source));
    const high = Math.min(inSize - 1, Math.ceil(source));
    taps.push({ low, high, frac: source - low });
  }
  return taps;
}

/**
 * Gradient of `tf.image.resizeBilinear` for the wasm backend: the exact
 * adjoint of the forward pass (same source positions and weights as the
 * tfjs kernels), for `alignCorners` and `halfPixelCenters`. The stock wasm
 * and cpu kernels of tfjs 4.22 ignore `halfPixelCenters` here, and the cpu
 * one swaps height and width on non-square images.
 *
 * Inputs: `images` `[batch, height, width, channels]`, `dy`
 * `[batch, newHeight, newWidth, channels]`. Output: float32, `images` shape.
 */
export function resizeBilinearGradWasm(args: {
  inputs: { images: TensorInfo; dy: TensorInfo };
  backend: BackendWasm;
  attrs: { alignCorners: boolean; halfPixelCenters: boolean };
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { images, dy } = inputs;
  const [batch, inHeight, inWidth, channels] = images.shape;
  const [, outHeight, outWidth] = dy.shape;
  const { alignCorners, halfPixelCenters } = attrs;
  const rows = sourceTaps(outHeight, inHeight, alignCorners, halfPixelCenters);
  const cols = sourceTaps(outWidth, inWidth, alignCorners, halfPixelCenters);

  const dx = backend.makeOutput(images.shape, 'float32');
  // Views after makeOutput: a heap resize detaches older ones.
  const dyVals = backend.typedArrayFromHeap(dy);
  const dxVals = backend.typedArrayFromHeap(dx);
  dxVals.fill(0);

  let d = 0;
  for (let b = 0; b < batch; b++) {
    const image = b * inHeight;
    for (let r = 0; r < outHeight; r++) {
      const { low: top, high: bottom, frac: rowFrac } = rows[r];
      const topRow = (image + top) * inWidth;
      const bottomRow = (image + bottom) * inWidth;
      for (let c = 0; c < outWidth; c++) {
        const { low: left, high: right, frac: colFrac } = cols[c];
        const tl = (topRow + left) * channels;
        const tr = (topRow + right) * channels;
        const bl = (bottomRow + left) * channels;
        const br = (bottomRow + right) * channels;
        const wTop = 1 - rowFrac;
        for (let k = 0; k < channels; k++) {
          const g = dyVals[d++];
          const gTop = g * wTop;
          const gBottom = g * rowFrac;
          dxVals[tl + k] += gTop * (1 - colFrac);
          dxVals[tr + k] += gTop * colFrac;
          dxVals[bl + k] += gBottom * (1 - colFrac);
          dxVals[br + k] += gBottom * colFrac;
        }
      }
    }
  }
  return dx;
}
