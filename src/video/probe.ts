/**
 * ffprobe: what a video file holds (through fluent-ffmpeg), and, where the
 * container's figures do not settle the frame count, a scan of the video
 * packets' timestamps (a pass that reads the file without decoding).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';

import ffmpeg from 'fluent-ffmpeg';

import { InputMissingError } from '../errors.ts';
import { NotAVideoError } from './errors.ts';
import { getToolPath } from './ffmpeg-paths.ts';
import {
  describeVideo,
  listedFrames,
  type PacketScan,
  type VideoInfo,
} from './video-info.ts';

function ffprobe(path: string): Promise<ffmpeg.FfprobeData> {
  return new Promise((resolve, reject) => {
    ffmpeg()
      .setFfprobePath(getToolPath('ffprobe'))
      .input(path)
      .ffprobe((err: unknown, result: ffmpeg.FfprobeData) => {
        if (err) {
          reject(new NotAVideoError(path, 'is not a video ffmpeg can read'));
        } else {
          resolve(result);
        }
      });
  });
}

/**
 * Counts the packets of the first video stream of `path` and measures
 * their presentation span: from the earliest timestamp to the end of the
 * latest packet. A zero count or span means ffprobe could not tell.
 */
export async function scanVideoPackets(path: string): Promise<PacketScan> {
  const child = spawn(getToolPath('ffprobe'), [
    '-v', 'error', '-select_streams', 'v:0',
    '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0',
    path,
  ], { stdio: ['ignore', 'pipe', 'ignore'] });
  const closed = once(child, 'close');
  let count = 0;
  let first = Infinity;
  let end = -Infinity;
  for await (const line of createInterface({ input: child.stdout })) {
    const [pts, duration] = line.split(',').map(Number);
    count++;
    if (Number.isFinite(pts)) {
      first = Math.min(first, pts);
      end = Math.max(end, pts + (Number.isFinite(duration) ? duration : 0));
    }
  }
  const [code] = (await closed) as [number | null];
  return code === 0
    ? { packets: count, spanSec: end > first ? end - first : 0 }
    : { packets: 0, spanSec: 0 };
}

/**
 * Probes a video file; throws one clear error for anything unusable. The
 * packets are scanned when the container lists no frame count (Matroska,
 * MPEG-TS) or lists one that its duration does not fit: an mp4 muxer
 * gives a variable-rate stream with B-frames a duration too long.
 */
export async function probeVideo(path: string): Promise<VideoInfo> {
  if (!existsSync(path)) {
    throw new InputMissingError(path, 'video');
  }
  if (statSync(path).isDirectory()) {
    throw new NotAVideoError(path, 'is a folder with no frames or videos');
  }
  const data = await ffprobe(path);
  const info = describeVideo(path, data);
  if (listedFrames(data) !== undefined && !info.plan.variableRate) {
    return info;
  }
  return describeVideo(path, data, await scanVideoPackets(path));
}
