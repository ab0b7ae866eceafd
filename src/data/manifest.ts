/**
 * What `fruc extract` records: one entry per written triplet folder and a
 * summary of what was kept and skipped per source.
 */
import type { FrameRate } from '../video/ffmpeg.ts';
import type { CropRect } from './crops.ts';

/** One written triplet folder. */
export interface ManifestTriplet {
  /** Folder relative to the output root, e.g. `box/000012`. */
  id: string;
  /** Source video file or frame folder, as an absolute path. */
  source: string;
  /** Zero-based indices of the previous, middle and next source frames. */
  frames: [number, number, number];
  /** Time of each frame in seconds: index / fps. */
  timestamps: [number, number, number];
  /** Size of the source frames. */
  frameSize: { width: number; height: number };
  /** Window of the source frames stored in the folder. */
  crop: CropRect;
}

/** Counts for one source. */
export interface SourceSummary {
  /** Folder name under the output root. */
  name: string;
  path: string;
  kind: 'video' | 'frames';
  width: number;
  height: number;
  fps: FrameRate;
  /** Frames decoded (fewer than the source holds when stopped early). */
  framesRead: number;
  /** Triplets looked at. */
  candidates: number;
  kept: number;
  skippedSceneCut: number;
  skippedStatic: number;
  /** Folders written: kept x crops per triplet. */
  written: number;
}

/** The totals over all sources. */
export type SummaryTotals = Pick<
  SourceSummary,
  | 'framesRead'
  | 'candidates'
  | 'kept'
  | 'skippedSceneCut'
  | 'skippedStatic'
  | 'written'
>;

/** What `extractTriplets` returns and the manifest stores. */
export interface ExtractSummary {
  /** Output folder, absolute. */
  out: string;
  sources: SourceSummary[];
  total: SummaryTotals;
}

/** Contents of `<out>/manifest.json`. */
export interface Manifest {
  version: 1;
  createdBy: 'fruc extract';
  /** The options the run used, defaults filled in. */
  options: Record<string, unknown>;
  summary: Omit<ExtractSummary, 'out'>;
  triplets: ManifestTriplet[];
}

/** Counts of a source before any frame is read. */
export function zeroTotals(): SummaryTotals {
  return {
    framesRead: 0,
    candidates: 0,
    kept: 0,
    skippedSceneCut: 0,
    skippedStatic: 0,
    written: 0,
  };
}

/** Adds up the per-source counts. */
export function sumTotals(sources: SourceSummary[]): SummaryTotals {
  const total = zeroTotals();
  for (const s of sources) {
    total.framesRead += s.framesRead;
    total.candidates += s.candidates;
    total.kept += s.kept;
    total.skippedSceneCut += s.skippedSceneCut;
    total.skippedStatic += s.skippedStatic;
    total.written += s.written;
  }
  return total;
}

const COLUMNS = [
  'source', 'frames', 'triplets', 'kept', 'scene-cut', 'static', 'written',
] as const;

/** Formats the summary as an aligned text table, one row per source. */
export function formatSummary(summary: ExtractSummary): string {
  const row = (name: string, s: SummaryTotals) => [
    name,
    String(s.framesRead),
    String(s.candidates),
    String(s.kept),
    String(s.skippedSceneCut),
    String(s.skippedStatic),
    String(s.written),
  ];
  const rows = [
    [...COLUMNS],
    ...summary.sources.map((s) => row(s.name, s)),
    row('total', summary.total),
  ];
  const widths = COLUMNS.map((_, c) =>
    Math.max(...rows.map((r) => r[c].length)),
  );
  const lines = rows.map((r) =>
    r.map((cell, c) =>
      c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]),
    ).join('  '),
  );
  return `${lines.join('\n')}\n`;
}

/**
 * Manifest as JSON text: the header indented, each triplet on one line so
 * the file stays readable and small for long videos.
 */
export function serializeManifest(manifest: Manifest): string {
  const { triplets, ...header } = manifest;
  const head = JSON.stringify(header, null, 2).replace(/\n\}$/, '');
  const body = triplets.map((t) => `    ${JSON.stringify(t)}`).join(',\n');
  const list = triplets.length === 0 ? '[]' : `[\n${body}\n  ]`;
  return `${head},\n  "triplets": ${list}\n}\n`;
}
