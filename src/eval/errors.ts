import { FrucError } from '../errors.ts';

/** The baseline names `--methods` accepts besides checkpoint folders. */
export const BASELINE_METHODS = ['repeat', 'blend', 'minterpolate'] as const;

/** A `--methods` entry is neither a baseline nor an existing folder. */
export class UnknownMethodError extends FrucError {
  constructor(name: string) {
    // A name with a slash was meant as a checkpoint folder.
    const what = name.includes('/')
      ? `no checkpoint folder ${name} exists`
      : `unknown method "${name}"`;
    super(
      'FRUC_UNKNOWN_METHOD',
      `${what}; valid methods are ` +
        `${BASELINE_METHODS.join(', ')}, default (the shipped generator) ` +
        'or the path of a checkpoint folder.',
      2,
    );
    this.name = 'UnknownMethodError';
  }
}

/** A data folder holds no triplets and no PNG frames. */
export class NoEvalDataError extends FrucError {
  constructor(path: string) {
    super(
      'FRUC_NO_EVAL_DATA',
      `${path} holds no triplets and no PNG frames; give a Middlebury ` +
        'folder, folders of triplets (frame0/1/2.png or im1/2/3.png), a ' +
        'video file or a folder of PNG frames.',
      2,
    );
    this.name = 'NoEvalDataError';
  }
}

/** A video or frame folder too short for the drop-every-other protocol. */
export class TooFewFramesError extends FrucError {
  constructor(path: string, frames: number) {
    super(
      'FRUC_TOO_FEW_FRAMES',
      `${path} has ${frames} frame(s) but the video protocol needs at ` +
        'least 3; give a longer video or frame folder.',
      2,
    );
    this.name = 'TooFewFramesError';
  }
}

/** The three frames of one sample do not have the same size. */
export class SampleSizeError extends FrucError {
  constructor(dataset: string, id: string, sizes: string) {
    super(
      'FRUC_SAMPLE_SIZE_MISMATCH',
      `sample ${id} of ${dataset} has frames of different sizes ` +
        `(${sizes}); fix or remove that sample.`,
      2,
    );
    this.name = 'SampleSizeError';
  }
}

/**
 * Frames smaller than the SSIM window: no metrics can be computed.
 * @param what The data, file or sample holding such frames.
 * @param minSide The smallest side SSIM accepts (11).
 */
export class FrameTooSmallError extends FrucError {
  constructor(what: string, width: number, height: number, minSide: number) {
    super(
      'FRUC_FRAME_TOO_SMALL',
      `${what} has ${width}x${height} frames but the SSIM metric needs at ` +
        `least ${minSide}x${minSide}; evaluate larger frames (scale the ` +
        `clip up, e.g. ffmpeg -vf scale=${minSide * 4}:-2).`,
      2,
    );
    this.name = 'FrameTooSmallError';
  }
}
