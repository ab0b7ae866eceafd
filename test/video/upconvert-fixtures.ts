/**
 * Clips and measurements for the upconvert tests: generate small real
 * clips with ffmpeg's lavfi sources, and read frame counts and rates back
 * with ffprobe (`-count_frames` decodes every frame).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { getToolPath } from '../../src/video/ffmpeg-paths.ts';
import { sharedData } from '../helpers/paths.ts';

/** Runs ffmpeg quietly with `args`; throws with its stderr on failure. */
export function ffmpeg(args: string[]): void {
  execFileSync(getToolPath('ffmpeg'), ['-v', 'error', '-y', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** One stream as ffprobe reports it after counting frames. */
export interface ProbedStream {
  codec_type: string;
  width?: number;
  height?: number;
  r_frame_rate: string;
  nb_read_frames?: string;
  duration?: string;
}

/** ffprobe of `path` with every frame counted. */
export function probe(path: string): {
  streams: ProbedStream[];
  format: { duration: string };
} {
  const text = execFileSync(
    getToolPath('ffprobe'),
    [
      '-v', 'error', '-count_frames', '-print_format', 'json',
      '-show_entries',
      'stream=codec_type,width,height,r_frame_rate,nb_read_frames,duration' +
        ':format=duration',
      path,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return JSON.parse(text) as ReturnType<typeof probe>;
}

/** The first video stream of `path`, counted. */
export function probeVideoStream(path: string): ProbedStream {
  const stream = probe(path).streams.find((s) => s.codec_type === 'video');
  if (!stream) {
    throw new Error(`${path} has no video stream`);
  }
  return stream;
}

/** MD5 of the packets of the audio streams, copied without decoding. */
export function audioPacketsMd5(path: string): string {
  return execFileSync(
    getToolPath('ffmpeg'),
    ['-v', 'error', '-i', path, '-map', '0:a', '-c', 'copy', '-f', 'md5', '-'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  ).trim();
}

/**
 * A folder holding links to the first `count` frames of the DAVIS selfie
 * clip (960x507, odd height); nothing is copied.
 */
export function davisFolder(dir: string, count: number): string {
  const folder = join(dir, 'davis');
  mkdirSync(folder);
  for (let i = 0; i < count; i++) {
    const name = `${String(i).padStart(3, '0')}.png`;
    symlinkSync(
      sharedData('frames', 'davis-selfie-960x507', name),
      join(folder, name),
    );
  }
  return folder;
}

/**
 * A 64x48 clip at 10 fps with a hard cut: 6 frames of `testsrc`, then 6
 * frames of `mandelbrot`. The cut lies between frames 5 and 6.
 */
export function sceneCutClip(dir: string): string {
  const path = join(dir, 'cut.mp4');
  ffmpeg([
    '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10:duration=0.6',
    '-f', 'lavfi', '-i', 'mandelbrot=size=64x48:rate=10',
    '-filter_complex', '[1]trim=end_frame=6[m];[0][m]concat=n=2:v=1[v]',
    '-map', '[v]', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', path,
  ]);
  return path;
}

/** A `testsrc` clip of `frames` frames at `rate` fps, `size` like 64x48. */
export function testsrcClip(
  path: string,
  options: { size: string; rate: number; frames: number },
): string {
  ffmpeg([
    '-f', 'lavfi',
    '-i', `testsrc=size=${options.size}:rate=${options.rate}`,
    '-frames:v', String(options.frames),
    '-c:v', 'libx264', '-pix_fmt', 'yuv444p', path,
  ]);
  return path;
}

/** A PNG folder of `frames` testsrc frames (any size, odd included). */
export function testsrcFolder(
  dir: string,
  options: { size: string; frames: number },
): string {
  mkdirSync(dir, { recursive: true });
  ffmpeg([
    '-f', 'lavfi', '-i', `testsrc=size=${options.size}:rate=10`,
    '-frames:v', String(options.frames), join(dir, '%03d.png'),
  ]);
  return dir;
}

/**
 * A 1 s mkv whose streams come in the order subtitles (SubRip), video
 * (32x32 at 10 fps), audio (Vorbis): codecs an mp4 cannot hold.
 */
export function subtitledClip(dir: string): string {
  const srt = join(dir, 'hello.srt');
  writeFileSync(srt, '1\n00:00:00,000 --> 00:00:00,500\nhello\n');
  const path = join(dir, 'subtitled.mkv');
  ffmpeg([
    '-i', srt,
    '-f', 'lavfi', '-i', 'testsrc=size=32x32:rate=10:duration=1',
    '-f', 'lavfi', '-i', 'sine=duration=1',
    '-map', '0', '-map', '1', '-map', '2',
    '-c:v', 'libx264', '-c:a', 'libvorbis', '-c:s', 'srt', path,
  ]);
  return path;
}

/**
 * A 1 s 64x48 clip at 10 fps with a sine track (`plain`), and a stream
 * copy of it tagged `rotate=90` (`rotated`), as a phone writes a portrait
 * clip: the same stored frames, shown turned by the display matrix.
 */
export function rotatedClip(dir: string): { plain: string; rotated: string } {
  const plain = join(dir, 'upright.mp4');
  const rotated = join(dir, 'rotated.mp4');
  ffmpeg([
    '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10:duration=1',
    '-f', 'lavfi', '-i', 'sine=duration=1',
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', plain,
  ]);
  ffmpeg(['-i', plain, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', rotated]);
  return { plain, rotated };
}

/**
 * Display rotation of the first video stream of `path` in degrees, as
 * ffprobe reports it (`rotation` of the display matrix side data, else
 * minus the `rotate` tag), in [0, 360); 0 when the stream has none.
 */
export function probeRotation(path: string): number {
  const text = execFileSync(
    getToolPath('ffprobe'),
    ['-v', 'error', '-select_streams', 'v:0', '-show_streams',
      '-print_format', 'json', path],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const [stream] = (JSON.parse(text) as {
    streams: {
      side_data_list?: { rotation?: number }[];
      tags?: { rotate?: string };
    }[];
  }).streams;
  const side = stream.side_data_list?.find((s) => s.rotation !== undefined);
  const degrees = side?.rotation ?? -Number(stream.tags?.rotate ?? 0);
  return ((degrees % 360) + 360) % 360;
}

/**
 * A 4 s 64x48 `testsrc2` clip at a nominal 30 fps with a 4 s sine track,
 * of variable frame rate: in its first `sparseSec` seconds only every
 * `keepEvery`-th frame is kept (`select`, timestamps kept with `-vsync
 * vfr`). Defaults 2 s and 3 give 20 + 60 = 80 frames.
 */
export function vfrClip(
  path: string,
  options: { sparseSec?: number; keepEvery?: number } = {},
): string {
  const sparse = options.sparseSec ?? 2;
  const every = options.keepEvery ?? 3;
  ffmpeg([
    '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=30:duration=4',
    '-f', 'lavfi', '-i', 'sine=duration=4',
    '-vf', `select='gte(t,${sparse})+not(mod(n,${every}))'`,
    '-vsync', 'vfr', '-c:v', 'libx264', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', path,
  ]);
  return path;
}

/** A 1 s mp4 with audio and a mov_text subtitle, which .mkv cannot hold. */
export function movTextClip(dir: string): string {
  const srt = join(dir, 'mov-text.srt');
  writeFileSync(srt, '1\n00:00:00,000 --> 00:00:00,500\nhello\n');
  const path = join(dir, 'mov-text.mp4');
  ffmpeg([
    '-f', 'lavfi', '-i', 'testsrc=size=32x32:rate=10:duration=1',
    '-f', 'lavfi', '-i', 'sine=duration=1', '-i', srt,
    '-map', '0', '-map', '1', '-map', '2',
    '-c:v', 'libx264', '-c:a', 'aac', '-c:s', 'mov_text', path,
  ]);
  return path;
}
