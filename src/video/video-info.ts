/**
 * What the project needs to know about a video file, read from ffprobe's
 * report: the size of its frames as stored, its nominal rate and display
 * rotation, its frame counts, and the audio and subtitle streams an
 * output copies.
 */
import type ffmpeg from 'fluent-ffmpeg';

import { NotAVideoError } from './errors.ts';
import { planFrameCount, type FrameCountPlan } from './frame-count.ts';
import { parseFrameRate, type FrameRate } from './frame-rate.ts';
import { parseRotation } from './rotation.ts';

/** An audio or subtitle stream of the input, copied into video outputs. */
export interface ExtraStream {
  /** Index in the input file, as ffprobe and `-map 0:N` count. */
  index: number;
  type: 'audio' | 'subtitle';
  /** ffprobe's codec name, e.g. `aac` or `mov_text`; `unknown` if none. */
  codec: string;
}

/** A probed video file; see {@link describeVideo}. */
export interface VideoInfo {
  path: string;
  /** Size of the frames as stored, before any display rotation. */
  width: number;
  height: number;
  /** The video stream's nominal (r_frame_rate) frame rate. */
  fps: FrameRate;
  /**
   * Duration in seconds of the video stream: the span of its packets'
   * timestamps when they were scanned, else the stream's, else the
   * container's; 0 when none is known.
   */
  durationSec: number;
  /** Frames decoding should give (see `plan.frameCount`). */
  frameCount: number;
  /**
   * Frames the container lists (nb_frames), else the video packets
   * counted; undefined when unknown.
   */
  containerFrames?: number;
  /** Expected count, variable-rate verdict and whether gaps are filled. */
  plan: FrameCountPlan;
  /**
   * Display rotation in degrees counterclockwise, in [0, 360): players
   * turn the stored frames by it. fruc reads frames unrotated.
   */
  rotation: number;
  audioStreams: number;
  subtitleStreams: number;
  /** Audio streams in input order, then subtitle streams in input order. */
  extraStreams: ExtraStream[];
}

/** What a scan of the video packets found (see `scanVideoPackets`). */
export interface PacketScan {
  packets: number;
  /** Seconds from the first timestamp to the end of the last packet. */
  spanSec: number;
}

function positive(value: unknown): number | undefined {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function extraStreams(data: ffmpeg.FfprobeData): ExtraStream[] {
  const of = (type: ExtraStream['type']): ExtraStream[] => data.streams
    .filter((s) => s.codec_type === type)
    .map((s) => ({ index: s.index, type, codec: s.codec_name ?? 'unknown' }));
  return [...of('audio'), ...of('subtitle')];
}

/**
 * Turns ffprobe's report on `path` into a {@link VideoInfo}. A packet
 * `scan`, where one was made, gives the duration, and the frame count
 * when the container lists none.
 *
 * @throws NotAVideoError when there is no video stream or frame rate.
 */
export function describeVideo(
  path: string,
  data: ffmpeg.FfprobeData,
  scan?: PacketScan,
): VideoInfo {
  const video = data.streams.find((s) => s.codec_type === 'video');
  if (!video || !video.width || !video.height) {
    throw new NotAVideoError(path, 'has no video stream');
  }
  const fps = parseFrameRate(video.r_frame_rate);
  if (fps.num === 0) {
    throw new NotAVideoError(path, 'has a video stream with no frame rate');
  }
  const durationSec = positive(scan?.spanSec) ?? positive(video.duration) ??
    positive(data.format.duration) ?? 0;
  const containerFrames = positive(video.nb_frames) ??
    positive(scan?.packets);
  const plan = planFrameCount(containerFrames, durationSec, fps);
  const extra = extraStreams(data);
  return {
    path,
    width: video.width,
    height: video.height,
    fps,
    durationSec,
    frameCount: plan.frameCount,
    containerFrames,
    plan,
    rotation: parseRotation(video),
    audioStreams: extra.filter((s) => s.type === 'audio').length,
    subtitleStreams: extra.filter((s) => s.type === 'subtitle').length,
    extraStreams: extra,
  };
}

/** The first video stream's frame count as the container lists it. */
export function listedFrames(data: ffmpeg.FfprobeData): number | undefined {
  const video = data.streams.find((s) => s.codec_type === 'video');
  return positive(video?.nb_frames);
}
