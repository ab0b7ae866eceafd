/**
 * One RGB image, 8 bits per channel, packed row-major: the byte of channel
 * `c` at column `x`, row `y` is `data[(y * width + x) * 3 + c]`.
 */
export interface Frame {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Allocates a black frame of the given size. */
export function createFrame(width: number, height: number): Frame {
  return { width, height, data: new Uint8Array(width * height * 3) };
}

/** Throws unless the two frames have the same size. */
export function assertSameSize(a: Frame, b: Frame, where: string): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new Error(
      `${where}: frames must have the same size, but got ` +
        `${a.width}x${a.height} and ${b.width}x${b.height}.`,
    );
  }
}

/** Copies the `width` x `height` window whose top-left corner is (x, y). */
export function cropFrame(
  frame: Frame,
  x: number,
  y: number,
  width: number,
  height: number,
): Frame {
  if (x < 0 || y < 0 || x + width > frame.width || y + height > frame.height) {
    throw new Error(
      `cropFrame: window ${width}x${height}+${x}+${y} is outside the ` +
        `${frame.width}x${frame.height} frame.`,
    );
  }
  const out = createFrame(width, height);
  const rowBytes = width * 3;
  for (let row = 0; row < height; row++) {
    const src = ((y + row) * frame.width + x) * 3;
    out.data.set(frame.data.subarray(src, src + rowBytes), row * rowBytes);
  }
  return out;
}
