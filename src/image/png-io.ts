import { readFile } from 'node:fs/promises';
import { PNG } from 'pngjs';

import { FrucError } from '../errors.ts';
import type { Frame } from './frame.ts';

/** Decodes a PNG file (any bit depth, palette, alpha) into an RGB frame. */
export async function readPng(path: string): Promise<Frame> {
  let png: PNG;
  try {
    png = PNG.sync.read(await readFile(path));
  } catch (err) {
    throw new FrucError(
      'FRUC_IMAGE_UNREADABLE',
      `${path} could not be read as a PNG image (${(err as Error).message}); ` +
        'check that the file is a valid PNG.',
      2,
    );
  }
  const { width, height, data } = png;
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    rgb[i] = data[j];
    rgb[i + 1] = data[j + 1];
    rgb[i + 2] = data[j + 2];
  }
  return { width, height, data: rgb };
}

/** Encodes an RGB frame as an 8-bit RGB PNG. */
export function encodePng(frame: Frame): Buffer {
  const png = new PNG({
    width: frame.width,
    height: frame.height,
    colorType: 2,
    inputColorType: 2,
    inputHasAlpha: false,
  });
  png.data = Buffer.from(frame.data.buffer, frame.data.byteOffset,
    frame.data.byteLength);
  return PNG.sync.write(png, { colorType: 2, inputColorType: 2,
    inputHasAlpha: false });
}
