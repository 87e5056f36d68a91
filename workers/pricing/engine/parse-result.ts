import type { z } from 'zod';

/** The outcome of validating untrusted JSON: the typed value, or one line per problem. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/**
 * Validates `json` against `schema` and turns every issue into one line `path: problem`.
 *
 * @example
 * parseWith(schema, json, 'rule set')
 * // { ok: false, errors: ['promotions[3].type: unknown promotion type "bogus"'] }
 */
export function parseWith<S extends z.ZodType>(schema: S, json: unknown, root: string): ParseResult<z.output<S>> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: string[] = [];
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      // One line per key so each names the exact field to fix.
      for (const key of issue.keys) errors.push(`${formatPath([...issue.path, key], root)}: unknown field`);
    } else {
      errors.push(`${formatPath(issue.path, root)}: ${issue.message}`);
    }
  }
  return { ok: false, errors };
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `['promotions', 3, 'type']` -> `promotions[3].type`; the empty path is the document itself. */
export function formatPath(path: readonly PropertyKey[], root: string): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && IDENTIFIER.test(key)) out += out === '' ? key : `.${key}`;
    // A key from the input may hold anything, newlines included; quoting keeps the error on one line.
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === '' ? root : out;
}
