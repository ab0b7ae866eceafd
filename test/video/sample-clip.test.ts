import { afterAll, describe, expect, it } from 'vitest';

import { probeVideo } from '../../src/video/ffmpeg.ts';
import { getSampleClip } from '../../src/video/sample-clip.ts';
import { makeTempDir } from '../helpers/paths.ts';

describe('getSampleClip', () => {
  const temp = makeTempDir();
  afterAll(temp.cleanup);

  it('generates a playable clip with audio when downloads are off', async () => {
    const clip = await getSampleClip(temp.dir, { allowDownload: false });

    const info = await probeVideo(clip.path);
    expect(clip.origin).toBe('generated');
    expect(clip.note).toMatch(/synthetic/);
    expect(info.width).toBe(640);
    expect(info.height).toBe(360);
    expect(info.fps).toEqual({ num: 24, den: 1 });
    expect(info.frameCount).toBe(192);
    expect(info.audioStreams).toBe(1);
  });

  it('reuses a clip already in the folder instead of making another', async () => {
    const first = await getSampleClip(temp.dir, { allowDownload: false });
    const second = await getSampleClip(temp.dir, { allowDownload: false });

    expect(second.path).toBe(first.path);
  });
});
