import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { loadConfig } from '../../src/config/load-config.ts';
import { makeTempDir } from '../helpers/paths.ts';

const temp = makeTempDir('fruc-config-');
afterAll(() => temp.cleanup());

function writeConfig(name: string, content: string): string {
  const path = join(temp.dir, name);
  writeFileSync(path, content);
  return path;
}

const schema = z.strictObject({
  model: z.strictObject({
    width: z.int().min(1).default(8),
    kind: z.enum(['a', 'b']).default('a'),
  }).prefault({}),
  list: z.array(z.number().max(1)).default([]),
});

describe('loadConfig', () => {
  it('fills in defaults for keys left out', () => {
    const path = writeConfig('empty.json', '{}');

    expect(loadConfig(path, schema)).toEqual({
      model: { width: 8, kind: 'a' },
      list: [],
    });
  });

  it('names the key path, the problem, the value and the file', () => {
    const path = writeConfig('bad.json', '{"model": {"width": 0}}');

    expect(() => loadConfig(path, schema)).toThrow(
      expect.objectContaining({
        code: 'FRUC_CONFIG_INVALID',
        exitCode: 2,
        keyPath: 'model.width',
        message: `config ${path}: model.width: Too small: expected number ` +
          'to be >=1 (got 0); fix that value in the file.',
      }),
    );
  });

  it('writes array indices in the key path', () => {
    const path = writeConfig('list.json', '{"list": [0.5, 3]}');

    expect(() => loadConfig(path, schema)).toThrow(/: list\[1\]: .*\(got 3\)/);
  });

  it('rejects an unknown key and says to remove it', () => {
    const path = writeConfig('typo.json', '{"model": {"widht": 4}}');

    expect(() => loadConfig(path, schema)).toThrow(
      `config ${path}: model: unknown key "widht"; remove it or check its ` +
        'spelling.',
    );
  });

  it('rejects a value outside an enum, listing the choices', () => {
    const path = writeConfig('enum.json', '{"model": {"kind": "c"}}');

    expect(() => loadConfig(path, schema)).toThrow(
      /model\.kind: Invalid option: expected one of "a"\|"b" \(got "c"\)/,
    );
  });

  it('reports a required key that is missing', () => {
    const strict = z.strictObject({ steps: z.int() });
    const path = writeConfig('missing-key.json', '{}');

    expect(() => loadConfig(path, strict)).toThrow(
      `config ${path}: steps: missing; expected a number; add it to the file.`,
    );
  });

  it('reports a file that does not exist', () => {
    const path = join(temp.dir, 'nope.json');

    expect(() => loadConfig(path, schema)).toThrow(
      expect.objectContaining({
        code: 'FRUC_CONFIG_MISSING',
        message: `config ${path} does not exist; give the path of a JSON ` +
          'config (see configs/).',
      }),
    );
  });

  it('reports a folder given as the config', () => {
    const dir = join(temp.dir, 'a-folder');
    mkdirSync(dir);

    expect(() => loadConfig(dir, schema)).toThrow(/is a folder, not a file/);
  });

  it('reports a file that is not JSON on one line', () => {
    const path = writeConfig('broken.json', '{"model": {');

    let message = '';
    try {
      loadConfig(path, schema);
    } catch (err) {
      expect(err).toMatchObject({ code: 'FRUC_CONFIG_PARSE' });
      message = (err as Error).message;
    }

    expect(message).toMatch(/is not valid JSON \(.+\); fix the syntax\.$/);
    expect(message).not.toContain('\n');
  });
});
