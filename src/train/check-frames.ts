/**
 * A quick look at every training frame before a run folder is made: the
 * PNG header gives each frame's size without decoding it, so triplets
 * smaller than the crop, with mixed sizes or that are not PNG files at all
 * are refused before anything is written.
 */
import { open } from 'node:fs/promises';

import { checkTripletSizes } from '../data/triplet-loader.ts';
import type { TripletRef } from '../data/triplet-layouts.ts';
import { readPng } from '../image/png-io.ts';

const PNG_SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
/** Signature, IHDR length and type, width and height. */
const HEADER_BYTES = 24;

/**
 * Width and height of PNG `path` from its header; a file whose header is
 * not a PNG's is decoded instead, which throws `readPng`'s error.
 */
async function pngSize(
  path: string,
): Promise<{ width: number; height: number }> {
  const header = Buffer.alloc(HEADER_BYTES);
  const file = await open(path, 'r');
  let read: number;
  try {
    ({ bytesRead: read } = await file.read(header, 0, HEADER_BYTES, 0));
  } finally {
    await file.close();
  }
  const isPng = read === HEADER_BYTES &&
    header.subarray(0, 8).equals(PNG_SIGNATURE) &&
    header.toString('latin1', 12, 16) === 'IHDR';
  if (!isPng) {
    return readPng(path);
  }
  return { width: header.readUInt32BE(16), height: header.readUInt32BE(20) };
}

/**
 * Checks that every frame of `triplets` is a PNG of its triplet's size
 * and at least `cropSize` square. Frames are not decoded, so a file
 * damaged after its header is found only when training reads it.
 * @throws TrainDataError for mixed sizes or frames smaller than the crop.
 * @throws FrucError `FRUC_IMAGE_UNREADABLE` for a file that is not a PNG.
 */
export async function checkTripletFrames(
  triplets: TripletRef[],
  cropSize: number,
): Promise<void> {
  for (const ref of triplets) {
    const sizes = await Promise.all(
      [ref.prev, ref.middle, ref.next].map(pngSize));
    checkTripletSizes(ref.id, sizes, cropSize);
  }
}
