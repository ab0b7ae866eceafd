import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import type { Frame } from '../../src/image/frame.ts';
import {
  openFrameSource,
  type FrameSource,
} from '../../src/video/frame-source.ts';
import { makeTempDir, sharedData } from '../helpers/paths.ts';
import { withWarnings } from './capture-log.ts';
import { rotatedClip, vfrClip } from './upconvert-fixtures.ts';

async function readAll(source: FrameSource): Promise<Frame[]> {
  const frames: Frame[] = [];
  for await (const frame of source.frames()) {
    frames.push(frame);
  }
  return frames;
}

describe('openFrameSource', () => {
  const temp = makeTempDir();
  afterAll(temp.cleanup);

  it('streams the frames of a video file at their native size', async () => {
    const source = await openFrameSource(sharedData('videos', 'box.mp4'));

    const frames = [];
    for await (const frame of source.frames({ maxFrames: 5 })) {
      frames.push(frame);
    }
    expect(source.kind).toBe('video');
    expect(source.fps).toEqual({ num: 30000, den: 1001 });
    expect(source.video?.audioStreams).toBe(1);
    expect(frames).toHaveLength(5);
    expect(frames[0].data.length).toBe(640 * 480 * 3);
    expect(frames[0].data).not.toEqual(frames[4].data);
  });

  it('reads a rotated video as stored: the frames of its unrotated copy', async () => {
    const { plain, rotated } = rotatedClip(temp.dir);

    const upright = await readAll(await openFrameSource(plain));
    const source = await openFrameSource(rotated);
    const turned = await readAll(source);

    expect([source.width, source.height]).toEqual([64, 48]);
    expect(turned).toHaveLength(10);
    turned.forEach((frame, i) => {
      expect([frame.width, frame.height]).toEqual([64, 48]);
      expect(Buffer.from(frame.data).equals(Buffer.from(upright[i].data)))
        .toBe(true);
    });
    expect(source.video?.rotation).toBe(90);
  });

  it('repeats frames into the gaps of a variable-frame-rate video', async () => {
    const path = vfrClip(join(temp.dir, 'vfr.mp4'));

    const { result: frames, log } = await withWarnings(async () =>
      readAll(await openFrameSource(path)));

    // 4 s at 30 fps, though the file holds 80 frames.
    expect(Math.abs(frames.length - 120)).toBeLessThanOrEqual(1);
    expect(log).toMatch(/vfr\.mp4 has a variable frame rate: 80 frames/);
  });

  it('reads a constant-rate video without a frame-count warning', async () => {
    const { log } = await withWarnings(async () => {
      const source = await openFrameSource(sharedData('videos', 'box.mp4'));
      return (await readAll(source)).length;
    });

    expect(log).toBe('');
  });

  it('reads a folder of PNG frames in natural order, odd sizes included', async () => {
    const source = await openFrameSource(
      sharedData('frames', 'davis-selfie-960x507'),
    );

    const frames = [];
    for await (const frame of source.frames({ maxFrames: 3 })) {
      frames.push(frame);
    }
    expect(source.kind).toBe('frames');
    expect(source.frameCount).toBe(68);
    expect(frames.map((f) => [f.width, f.height])).toEqual([
      [960, 507], [960, 507], [960, 507],
    ]);
  });

  it('stops ffmpeg when the reader leaves early', async () => {
    const source = await openFrameSource(sharedData('videos', 'vtest.avi'));

    let count = 0;
    for await (const frame of source.frames()) {
      count += frame.width > 0 ? 1 : 0;
      if (count === 2) {
        break;
      }
    }
    expect(count).toBe(2);
  });

  it('rejects a missing path with FRUC_INPUT_MISSING', async () => {
    await expect(openFrameSource(join(temp.dir, 'nope.mp4')))
      .rejects.toMatchObject({ code: 'FRUC_INPUT_MISSING' });
  });

  it('rejects a file that is not a video with FRUC_NOT_A_VIDEO', async () => {
    const fake = join(temp.dir, 'fake.mp4');
    writeFileSync(fake, 'this is not a video\n');

    await expect(openFrameSource(fake))
      .rejects.toMatchObject({ code: 'FRUC_NOT_A_VIDEO' });
  });

  it('rejects a folder without PNG frames', async () => {
    const empty = join(temp.dir, 'empty');
    (await import('node:fs')).mkdirSync(empty);

    await expect(openFrameSource(empty))
      .rejects.toThrow(/no PNG frames/);
  });

  it('rejects a PNG folder of mixed frame sizes, asking for one size', async () => {
    const mixed = join(temp.dir, 'mixed');
    const fs = await import('node:fs');
    fs.mkdirSync(mixed);
    fs.symlinkSync(sharedData('frames', 'davis-selfie-960x507', '000.png'),
      join(mixed, 'a.png'));
    fs.symlinkSync(sharedData('middlebury-others', 'input', 'RubberWhale',
      'frame10.png'), join(mixed, 'b.png'));
    const source = await openFrameSource(mixed);

    await expect(readAll(source)).rejects.toThrow(new RegExp(
      'has frames of different sizes \\(.*b\\.png is 584x388, the first ' +
      'is 960x507\\); give it frames of one size\\.$'));
  });
});
