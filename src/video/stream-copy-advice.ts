/**
 * Turns an encoder failure while audio and subtitles were copied into a
 * {@link StreamCopyError} that names the stream the container refused,
 * as far as ffmpeg's message says, with advice that fits the container.
 */
import { extname } from 'node:path';

import { StreamCopyError, type FfmpegFailedError } from './errors.ts';
import type { ExtraStream } from './video-info.ts';

/** What ffmpeg's message says about the refused stream. */
export interface RefusedStream {
  type?: ExtraStream['type'];
  /** Codec name(s), e.g. `mov_text`. */
  codec?: string;
  /** Index of the stream in the input file. */
  index?: number;
}

/**
 * Reads ffmpeg's error lines: the mp4/mov muxer says `Could not find tag
 * for codec subrip in stream #2` (an output stream: the video is #0,
 * then `streams` in order); Matroska says `Subtitle codec 94213 is not
 * supported` (a codec id, so the input's codecs of that type are named).
 */
export function findRefusedStream(
  detail: string,
  streams: ExtraStream[],
): RefusedStream {
  const tag = /could not find tag for codec (\w+) in stream #(\d+)/i
    .exec(detail);
  if (tag) {
    const stream = streams[Number(tag[2]) - 1];
    return stream?.codec === tag[1]
      ? { ...stream }
      : { codec: tag[1], type: stream?.type };
  }
  const kind = /\b(audio|subtitle) codec (\S+?)\.? is not supported/i
    .exec(detail);
  if (!kind) {
    return {};
  }
  const type = kind[1].toLowerCase() as ExtraStream['type'];
  const ofType = streams.filter((s) => s.type === type);
  const named = ofType.find((s) => s.codec === kind[2]);
  if (named) {
    return { ...named };
  }
  const codecs = [...new Set(ofType.map((s) => s.codec))];
  return {
    type,
    codec: codecs.length > 0 ? codecs.join(', ') : undefined,
    index: ofType.length === 1 ? ofType[0].index : undefined,
  };
}

function describe(refused: RefusedStream, ext: string): string {
  const into = `cannot be copied into a ${ext} file`;
  if (refused.type && refused.index !== undefined) {
    const codec = refused.codec ? ` (${refused.codec})` : '';
    return `the ${refused.type} stream #${refused.index}${codec} ${into}`;
  }
  if (refused.type || refused.codec) {
    const what = [refused.type, 'codec', refused.codec].filter(Boolean);
    return `the ${what.join(' ')} ${into}`;
  }
  return `one of their codecs probably ${into}`;
}

function advise(ext: string, inExt: string): string {
  if (ext !== '.mkv') {
    return 'write a .mkv file instead, which holds most codecs.';
  }
  const sameAsInput = ['.mp4', '.m4v', '.mov'].includes(inExt)
    ? `write a ${inExt} file, as the input is, or `
    : '';
  return (
    `Matroska cannot hold it, so ${sameAsInput}convert that stream with ` +
    'ffmpeg first (e.g. -c:s srt for text subtitles, -c:a flac for ' +
    'audio) or drop it (-sn, -an) and upconvert the result.'
  );
}

/**
 * The error for `outPath` after `err`, an encoder failure, with the
 * audio and subtitle `streams` of `inPath` being copied.
 */
export function streamCopyError(
  inPath: string,
  outPath: string,
  err: FfmpegFailedError,
  streams: ExtraStream[],
): StreamCopyError {
  const detail = (err.message.split('ffmpeg failed: ')[1] ?? err.message)
    .replace(/\[[\w-]+ @ 0x[0-9a-f]+\] /g, '');
  const ext = extname(outPath).toLowerCase();
  const refused = findRefusedStream(detail, streams);
  return new StreamCopyError(outPath, describe(refused, ext), detail,
    advise(ext, extname(inPath).toLowerCase()));
}
