import { FrucError } from '../errors.ts';

/** A dataset folder holds no triplet in any layout the project reads. */
export class NoTripletsError extends FrucError {
  constructor(root: string, reason = 'holds no triplets') {
    super(
      'FRUC_NO_TRIPLETS',
      `${root} ${reason}; give a Middlebury folder (input/<seq>/frame10.png, ` +
        'frame11.png, gt/<seq>/frame10i11.png) or folders of triplets ' +
        '(frame0.png, frame1.png, frame2.png or Vimeo-90K im1.png, im2.png, ' +
        'im3.png, as written by fruc extract).',
      2,
    );
    this.name = 'NoTripletsError';
  }
}

/** A crop larger than the frames it should be cut from. */
export class CropTooLargeError extends FrucError {
  constructor(cropSize: number, source: string, width: number, height: number) {
    super(
      'FRUC_CROP_TOO_LARGE',
      `--crop-size ${cropSize} does not fit the ${width}x${height} frames ` +
        `of ${source}; choose a crop size of at most ` +
        `${Math.min(width, height)} or leave it out for whole frames.`,
      2,
    );
    this.name = 'CropTooLargeError';
  }
}

/** An extract input that holds neither frames nor videos. */
export class NoSourcesError extends FrucError {
  constructor(path: string) {
    super(
      'FRUC_NO_SOURCES',
      `${path} holds no video files and no PNG frames; give video files, ` +
        'folders of PNG frames, or a folder holding these.',
      2,
    );
    this.name = 'NoSourcesError';
  }
}

/** Training data that cannot be used (too few triplets, bad sizes). */
export class TrainDataError extends FrucError {
  constructor(message: string) {
    super('FRUC_TRAIN_DATA', message, 2);
    this.name = 'TrainDataError';
  }
}
