import { describe, expect, it } from 'vitest';

import {
  formatSummary,
  serializeManifest,
  sumTotals,
  type Manifest,
  type SourceSummary,
} from '../../src/data/manifest.ts';

function source(name: string, counts: Partial<SourceSummary>): SourceSummary {
  return {
    name,
    path: `/videos/${name}.mp4`,
    kind: 'video',
    width: 64,
    height: 48,
    fps: { num: 10, den: 1 },
    framesRead: 0,
    candidates: 0,
    kept: 0,
    skippedSceneCut: 0,
    skippedStatic: 0,
    written: 0,
    ...counts,
  };
}

const sources = [
  source('a', {
    framesRead: 20, candidates: 9, kept: 6, skippedSceneCut: 1,
    skippedStatic: 2, written: 12,
  }),
  source('long-name', {
    framesRead: 7, candidates: 3, kept: 3, written: 6,
  }),
];

describe('sumTotals', () => {
  it('adds every count over the sources', () => {
    expect(sumTotals(sources)).toEqual({
      framesRead: 27, candidates: 12, kept: 9, skippedSceneCut: 1,
      skippedStatic: 2, written: 18,
    });
  });
});

describe('formatSummary', () => {
  it('prints one aligned row per source and a total row', () => {
    const text = formatSummary({
      out: '/out', sources, total: sumTotals(sources),
    });

    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^source\s+frames\s+triplets\s+kept\s+scene-cut/);
    expect(lines[1].split(/\s+/)).toEqual(['a', '20', '9', '6', '1', '2', '12']);
    expect(lines[3].split(/\s+/)).toEqual(
      ['total', '27', '12', '9', '1', '2', '18'],
    );
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });
});

describe('serializeManifest', () => {
  it('writes valid JSON with one line per triplet', () => {
    const manifest: Manifest = {
      version: 1,
      createdBy: 'fruc extract',
      options: { stride: 2 },
      summary: { sources, total: sumTotals(sources) },
      triplets: [0, 2].map((first) => ({
        id: `a/${String(first).padStart(6, '0')}`,
        source: '/videos/a.mp4',
        frames: [first, first + 1, first + 2],
        timestamps: [first / 10, (first + 1) / 10, (first + 2) / 10],
        frameSize: { width: 64, height: 48 },
        crop: { x: 0, y: 0, width: 64, height: 48 },
      })),
    };

    const text = serializeManifest(manifest);

    expect(JSON.parse(text)).toEqual(manifest);
    const lines = text.split('\n');
    expect(lines.filter((l) => l.includes('"id":"a/'))).toHaveLength(2);
  });

  it('writes an empty triplet list as []', () => {
    const manifest: Manifest = {
      version: 1,
      createdBy: 'fruc extract',
      options: {},
      summary: { sources: [], total: sumTotals([]) },
      triplets: [],
    };

    expect(JSON.parse(serializeManifest(manifest))).toEqual(manifest);
  });
});
