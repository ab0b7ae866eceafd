import { describe, expect, it } from 'vitest';

import { FfmpegFailedError, OutputDiskFullError } from '../../src/video/errors.ts';
import { findWriteFailure, runFfmpeg } from '../../src/video/ffmpeg.ts';
import { sharedData } from '../helpers/paths.ts';

describe('ffmpeg write failures', () => {
  it('names a full disk when ffmpeg cannot write a real encode', async () => {
    // /dev/full answers every write with ENOSPC.
    const run = runFfmpeg('encoding /dev/full',
      [{ path: sharedData('videos', 'vtest.avi') }],
      ['-t', '0.5', '-c:v', 'libx264', '-preset', 'ultrafast', '-y'],
      '/dev/full', 'matroska');

    await expect(run).rejects.toBeInstanceOf(OutputDiskFullError);
    await expect(run).rejects.toThrow(
      /^encoding \/dev\/full: no space left on the device; free some space/);
  });

  it('finds the trailer failure that ffmpeg exits 0 after', () => {
    // Matroska on a full 200 KB tmpfs: ffmpeg printed this and exited 0.
    const stderr = [
      'frame=   75 fps=0.0 q=-1.0 Lsize=     200kB time=00:00:02.92',
      'Error writing trailer of /mnt/small/out.mkv: No space left on device',
    ].join('\n');

    expect(findWriteFailure(stderr)).toBe(
      'Error writing trailer of /mnt/small/out.mkv: No space left on device');
    expect(findWriteFailure('frame=   75 fps=0.0 q=-1.0 Lsize= 200kB'))
      .toBeUndefined();
    expect(findWriteFailure(null)).toBeUndefined();
  });

  it('keeps other failures as ffmpeg failures', async () => {
    const run = runFfmpeg('encoding nowhere',
      [{ path: sharedData('videos', 'vtest.avi') }],
      ['-t', '0.5', '-c:v', 'no-such-codec', '-y'], '/dev/null', 'matroska');

    await expect(run).rejects.toBeInstanceOf(FfmpegFailedError);
  });
});
