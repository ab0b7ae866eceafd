import type { Readable } from 'node:stream';

import type { Frame } from '../image/frame.ts';

/**
 * Cuts a stream of packed rgb24 bytes (ffmpeg's rawvideo output) into
 * frames of `width` x `height`. Bytes left over at the end, less than one
 * frame, are ignored: ffmpeg only writes whole frames.
 */
export async function* splitRawFrames(
  stream: Readable,
  width: number,
  height: number,
): AsyncGenerator<Frame> {
  const frameBytes = width * height * 3;
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of stream) {
    pending = pending.length === 0
      ? (chunk as Buffer)
      : Buffer.concat([pending, chunk as Buffer]);
    while (pending.length >= frameBytes) {
      const data = new Uint8Array(frameBytes);
      data.set(pending.subarray(0, frameBytes));
      pending = pending.subarray(frameBytes);
      yield { width, height, data };
    }
  }
}
