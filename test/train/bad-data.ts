import {
  cpSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import { createFrame } from '../../src/image/frame.ts';
import { encodePng } from '../../src/image/png-io.ts';
import { UCF_TRIPLETS } from './tiny-config.ts';

/** Writes `count` triplet folders of black `size` x `size` frames. */
export function writeSmallTriplets(
  dir: string,
  count: number,
  size: number,
): string {
  const png = encodePng(createFrame(size, size));
  for (let i = 0; i < count; i++) {
    const triplet = join(dir, `${i}`);
    mkdirSync(triplet, { recursive: true });
    for (const name of ['frame0.png', 'frame1.png', 'frame2.png']) {
      writeFileSync(join(triplet, name), png);
    }
  }
  return dir;
}

/**
 * Data of UCF101 triplets 1-4 (linked, not copied) and a triplet `bad`
 * (a training triplet, as the split holds out `2` and `4`) whose middle
 * frame is `garbage` (no PNG header) or `truncated` (a valid header, then
 * half the file).
 */
export function writeDataWithBadFrame(
  dir: string,
  kind: 'garbage' | 'truncated',
): string {
  mkdirSync(dir, { recursive: true });
  for (const id of ['1', '2', '3', '4']) {
    symlinkSync(join(UCF_TRIPLETS, id), join(dir, id));
  }
  const bad = join(dir, 'bad');
  mkdirSync(bad);
  for (const name of ['frame0.png', 'frame2.png']) {
    cpSync(join(UCF_TRIPLETS, '5', name), join(bad, name));
  }
  const middle = readFileSync(join(UCF_TRIPLETS, '5', 'frame1.png'));
  writeFileSync(join(bad, 'frame1.png'), kind === 'garbage'
    ? 'garbage' : middle.subarray(0, middle.length / 2));
  return dir;
}
