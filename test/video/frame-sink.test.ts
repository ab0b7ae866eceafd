import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { getToolPath } from '../../src/video/ffmpeg-paths.ts';
import { openFrameSink } from '../../src/video/frame-sink.ts';
import { openFrameSource } from '../../src/video/frame-source.ts';
import { makeTempDir, sharedData } from '../helpers/paths.ts';

function probeStreams(path: string): string[] {
  const out = execFileSync(getToolPath('ffprobe'), [
    '-v', 'error', '-count_frames', '-show_entries',
    'stream=codec_type,nb_read_frames,r_frame_rate', '-of', 'csv=p=0', path,
  ], { encoding: 'utf8' });
  return out.trim().split('\n');
}

describe('openFrameSink', () => {
  const temp = makeTempDir();
  afterAll(temp.cleanup);

  it('encodes frames to a video and copies the audio of the source', async () => {
    const source = await openFrameSource(sharedData('videos', 'box.mp4'));
    const out = join(temp.dir, 'copy.mp4');
    const sink = await openFrameSink(out, {
      width: source.width, height: source.height, fps: source.fps,
      overwrite: false, copyStreamsFrom: source.path,
    });

    for await (const frame of source.frames({ maxFrames: 12 })) {
      await sink.write(frame);
    }
    await sink.close();

    const streams = probeStreams(out);
    expect(streams).toContain('video,30000/1001,12');
    expect(streams.some((s) => s.startsWith('audio'))).toBe(true);
    expect(readdirSync(temp.dir).filter((n) => n.includes('partial')))
      .toEqual([]);
  });

  it('writes an odd-sized folder of PNG frames when the path has no extension', async () => {
    const source = await openFrameSource(
      sharedData('frames', 'davis-selfie-960x507'),
    );
    const out = join(temp.dir, 'frames-out');
    const sink = await openFrameSink(out, {
      width: source.width, height: source.height, fps: source.fps,
      overwrite: false,
    });

    for await (const frame of source.frames({ maxFrames: 3 })) {
      await sink.write(frame);
    }
    await sink.close();

    expect(readdirSync(out)).toEqual([
      '.fruc-output', '000000.png', '000001.png', '000002.png',
    ]);
    const again = await openFrameSource(out);
    expect([again.width, again.height]).toEqual([960, 507]);
  });

  it('encodes an odd-sized video', async () => {
    const source = await openFrameSource(
      sharedData('frames', 'davis-selfie-960x507'),
    );
    const out = join(temp.dir, 'odd.mkv');
    const sink = await openFrameSink(out, {
      width: source.width, height: source.height, fps: source.fps,
      overwrite: false,
    });

    for await (const frame of source.frames({ maxFrames: 4 })) {
      await sink.write(frame);
    }
    await sink.close();

    expect(probeStreams(out)).toEqual(['video,24/1,4']);
  });

  it('leaves nothing behind when aborted', async () => {
    const out = join(temp.dir, 'aborted.mp4');
    const sink = await openFrameSink(out, {
      width: 64, height: 48, fps: { num: 24, den: 1 }, overwrite: false,
    });

    await sink.write({ width: 64, height: 48, data: new Uint8Array(64 * 48 * 3) });
    await sink.abort();

    expect(existsSync(out)).toBe(false);
    expect(readdirSync(temp.dir).filter((n) => n.includes('aborted')))
      .toEqual([]);
  });

  it('refuses an existing output without overwrite', async () => {
    const out = join(temp.dir, 'copy.mp4');

    await expect(openFrameSink(out, {
      width: 64, height: 48, fps: { num: 24, den: 1 }, overwrite: false,
    })).rejects.toMatchObject({ code: 'FRUC_OUTPUT_EXISTS' });
  });
});
