/**
 * Mean over a `block`-sided window of one `[h, w]` plane, counting only
 * pixels inside the frame (the 'same' average pooling of TensorFlow):
 * running sums along rows, then along columns. `scratch` is a plane.
 */
export function boxMeanInPlace(
  plane: Float32Array,
  scratch: Float32Array,
  { width, height }: { width: number; height: number },
  block: number,
): void {
  const half = (block - 1) >> 1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let sum = 0;
    for (let x = 0; x < Math.min(half, width); x++) {
      sum += plane[row + x];
    }
    for (let x = 0; x < width; x++) {
      if (x + half < width) {
        sum += plane[row + x + half];
      }
      if (x - half - 1 >= 0) {
        sum -= plane[row + x - half - 1];
      }
      const lo = x - half < 0 ? 0 : x - half;
      const hi = x + half >= width ? width - 1 : x + half;
      scratch[row + x] = sum / (hi - lo + 1);
    }
  }
  // Columns: running sums of whole rows, so every read is sequential.
  const sums = new Float64Array(width);
  for (let y = 0; y < Math.min(half, height); y++) {
    for (let x = 0; x < width; x++) {
      sums[x] += scratch[y * width + x];
    }
  }
  for (let y = 0; y < height; y++) {
    const enter = y + half < height ? (y + half) * width : -1;
    const leave = y - half - 1 >= 0 ? (y - half - 1) * width : -1;
    const lo = y - half < 0 ? 0 : y - half;
    const hi = y + half >= height ? height - 1 : y + half;
    const scale = 1 / (hi - lo + 1);
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (enter >= 0) {
        sums[x] += scratch[enter + x];
      }
      if (leave >= 0) {
        sums[x] -= scratch[leave + x];
      }
      plane[row + x] = sums[x] * scale;
    }
  }
}
