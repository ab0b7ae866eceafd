import { readFileSync } from 'node:fs';

import type { z } from 'zod';

import {
  ConfigInvalidError,
  ConfigMissingError,
  ConfigParseError,
} from './errors.ts';

type Issue = z.core.$ZodIssue;

/** Joins a zod issue path into `a.b[2].c`. */
function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') {
      out += `[${key}]`;
    } else {
      out += out === '' ? String(key) : `.${String(key)}`;
    }
  }
  return out;
}

/** The value found at `path` in the raw JSON, or undefined. */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') {
      return undefined;
    }
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** What is wrong, and what to do, for one zod issue. */
function describeIssue(
  issue: Issue,
  raw: unknown,
): { problem: string; fix?: string } {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    const noun = issue.keys.length === 1 ? 'key' : 'keys';
    return {
      problem: `unknown ${noun} ${keys}`,
      fix: 'remove it or check its spelling',
    };
  }
  const value = valueAt(raw, issue.path);
  if (value === undefined && issue.code === 'invalid_type') {
    return {
      problem: `missing; expected a ${issue.expected}`,
      fix: 'add it to the file',
    };
  }
  return { problem: `${issue.message} (got ${JSON.stringify(value)})` };
}

/**
 * Reads a JSON config file and validates it against a zod schema. Defaults
 * declared in the schema are filled in; unknown keys are errors when the
 * schema's objects are strict.
 *
 * @param path Path of the JSON file.
 * @param schema zod schema of the file's content.
 * @returns The parsed, typed config.
 * @throws ConfigMissingError (`FRUC_CONFIG_MISSING`) when the file cannot be
 *   read, ConfigParseError (`FRUC_CONFIG_PARSE`) when it is not JSON,
 *   ConfigInvalidError (`FRUC_CONFIG_INVALID`) naming the first bad key.
 */
export function loadConfig<S extends z.ZodType>(
  path: string,
  schema: S,
): z.output<S> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EISDIR'
          ? 'is a folder, not a file'
          : `cannot be read (${code ?? (err as Error).message})`;
    throw new ConfigMissingError(path, reason);
  }

  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigParseError(path, (err as Error).message);
  }

  return parseConfig(raw, schema, path);
}

/**
 * Validates an already parsed value against a schema, with the same errors
 * as {@link loadConfig}. `source` names where the value came from.
 */
export function parseConfig<S extends z.ZodType>(
  raw: unknown,
  schema: S,
  source: string,
): z.output<S> {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const { problem, fix } = describeIssue(issue, raw);
    throw new ConfigInvalidError(
      source,
      formatKeyPath(issue.path),
      problem,
      fix,
    );
  }
  return result.data;
}
