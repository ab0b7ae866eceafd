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
