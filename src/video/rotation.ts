/**
 * Display rotation. A phone stores a portrait clip as landscape frames
 * plus a display matrix that turns them; ffmpeg applies that turn while
 * decoding unless told not to. fruc reads frames as stored
 * (`-noautorotate`), so their size is the probed one, and records the
 * same rotation on a video output.
 */
import type ffmpeg from 'fluent-ffmpeg';

/** `degrees` as an angle in [0, 360), rounded to a whole degree. */
export function normalizeRotation(degrees: number): number {
  return ((Math.round(degrees) % 360) + 360) % 360;
}

/**
 * Rotation of a probed video stream in degrees counterclockwise, in
 * [0, 360): the display matrix's `rotation` (side data) when ffprobe
 * reports one, else minus the older clockwise `rotate` tag; 0 when the
 * stream has neither.
 */
export function parseRotation(stream: ffmpeg.FfprobeStream): number {
  const side = Number(stream.rotation);
  if (stream.rotation !== undefined && Number.isFinite(side)) {
    return normalizeRotation(side);
  }
  const tags = (stream.tags ?? {}) as Record<string, unknown>;
  const key = Object.keys(tags).find((k) => k.toLowerCase() === 'rotate');
  const tag = key === undefined ? NaN : Number(tags[key]);
  return Number.isFinite(tag) ? normalizeRotation(-tag) : 0;
}
