/**
 * Crops for the HTML report: for a few samples per dataset, the same window
 * of the inputs, each method's prediction, the ground truth and each
 * method's error map, written as PNG files while the evaluation streams.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { createFrame, cropFrame, type Frame } from '../image/frame.ts';
import { encodePng } from '../image/png-io.ts';
import type { SampleHook } from './evaluate.ts';
import type { FrameMetrics } from './metrics.ts';

/** A crop window in frame pixels. */
export interface CropWindow {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The crops written for one sample; paths are relative to the report. */
export interface CropRecord {
  dataset: string;
  sampleId: string;
  window: CropWindow;
  prev: string;
  next: string;
  gt: string;
  /** Per method label: its prediction and its error map. */
  methods: Record<string, { image: string; error: string }>;
  metrics: Record<string, FrameMetrics>;
}

/** Error maps show the absolute difference times this gain, clipped. */
export const ERROR_GAIN = 4;

/**
 * The `size` x `size` window (clipped to the frame) where the two inputs
 * differ most, i.e. where motion makes interpolation hard. Searched on a
 * grid with a quarter-window step using a summed-area table.
 */
export function pickCropWindow(prev: Frame, next: Frame, size: number): CropWindow {
  const { width, height } = prev;
  const cw = Math.min(size, width);
  const ch = Math.min(size, height);
  const stride = width + 1;
  const table = new Float64Array((width + 1) * (height + 1));
  for (let y = 0; y < height; y++) {
    let rowSum = 0;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      rowSum += Math.abs(prev.data[i] - next.data[i]) +
        Math.abs(prev.data[i + 1] - next.data[i + 1]) +
        Math.abs(prev.data[i + 2] - next.data[i + 2]);
      table[(y + 1) * stride + x + 1] = table[y * stride + x + 1] + rowSum;
    }
  }
  const positions = (extent: number, crop: number) => {
    const step = Math.max(1, Math.floor(crop / 4));
    const out: number[] = [];
    for (let p = 0; p < extent - crop; p += step) {
      out.push(p);
    }
    out.push(extent - crop);
    return out;
  };
  let best: CropWindow = { x: 0, y: 0, width: cw, height: ch };
  let bestSum = -1;
  for (const y of positions(height, ch)) {
    for (const x of positions(width, cw)) {
      const sum = table[(y + ch) * stride + x + cw] - table[y * stride + x + cw] -
        table[(y + ch) * stride + x] + table[y * stride + x];
      if (sum > bestSum) {
        bestSum = sum;
        best = { x, y, width: cw, height: ch };
      }
    }
  }
  return best;
}

/** Grey image of `|out - gt|` averaged over R, G, B, times {@link ERROR_GAIN}. */
export function errorMap(gt: Frame, out: Frame): Frame {
  const map = createFrame(gt.width, gt.height);
  for (let i = 0; i < gt.data.length; i += 3) {
    const diff = Math.abs(gt.data[i] - out.data[i]) +
      Math.abs(gt.data[i + 1] - out.data[i + 1]) +
      Math.abs(gt.data[i + 2] - out.data[i + 2]);
    const value = Math.min(255, Math.round((diff / 3) * ERROR_GAIN));
    map.data[i] = value;
    map.data[i + 1] = value;
    map.data[i + 2] = value;
  }
  return map;
}

/** File-name-safe form of a dataset or sample name. */
function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** Writes report crops while an evaluation runs. */
export interface CropCollector {
  /** Pass as `onSample` to `evaluate`. */
  hook: SampleHook;
  /** What was written so far, in sample order. */
  records: CropRecord[];
}

/**
 * Writes crops under `<reportDir>/crops/` for the first `maxPerDataset`
 * samples of each dataset.
 * @param options.cropSize Side of the square window in pixels (clipped to
 *   the frame).
 */
export function createCropCollector(
  reportDir: string,
  options: { cropSize: number; maxPerDataset: number },
): CropCollector {
  const records: CropRecord[] = [];
  const perDataset = new Map<string, number>();

  const hook: SampleHook = async (dataset, sample, predictions, result) => {
    const done = perDataset.get(dataset.path) ?? 0;
    if (done >= options.maxPerDataset) {
      return;
    }
    perDataset.set(dataset.path, done + 1);
    const window = pickCropWindow(sample.prev, sample.next, options.cropSize);
    const folder = join('crops', safeName(dataset.name));
    await mkdir(join(reportDir, folder), { recursive: true });
    const stem = join(folder, safeName(sample.id));
    const save = async (suffix: string, frame: Frame) => {
      const rel = `${stem}-${suffix}.png`;
      const crop = cropFrame(frame, window.x, window.y, window.width,
        window.height);
      await writeFile(join(reportDir, rel), encodePng(crop));
      return rel.split('\\').join('/');
    };

    const record: CropRecord = {
      dataset: dataset.name,
      sampleId: sample.id,
      window,
      prev: await save('prev', sample.prev),
      next: await save('next', sample.next),
      gt: await save('gt', sample.gt),
      methods: {},
      metrics: result.metrics,
    };
    let index = 0;
    for (const [label, predicted] of predictions) {
      const key = `m${index++}-${safeName(label)}`;
      record.methods[label] = {
        image: await save(key, predicted),
        error: await save(`${key}-error`, errorMap(sample.gt, predicted)),
      };
    }
    records.push(record);
  };
  return { hook, records };
}
