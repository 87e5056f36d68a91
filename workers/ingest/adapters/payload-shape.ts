import type { FieldError } from '../../../streams/canonical-order.ts';
import { childPath } from './field-errors.ts';

/** Deeper than any platform's payload; a deeper one is built to exhaust a recursive reader. */
export const MAX_PAYLOAD_DEPTH = 64;
// Enough to name the problem; a hostile payload could otherwise fill the dead letter with them.
const MAX_REPORTED = 10;
const UNPRINTABLE = /[\u0000-\u001f\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Checks what no field reader looks at but Postgres or the stack would refuse later: nesting
 * deeper than {@link MAX_PAYLOAD_DEPTH}, a lone UTF-16 surrogate in any key or text (jsonb cannot
 * store it), a NUL in a key. Ignored fields count too, since the payload is stored whole. The walk
 * is iterative, so a payload nested thousands deep cannot overflow the stack.
 *
 * @example
 * payloadShapeErrors({ note: '\udc00' }) // [{ path: 'note', message: 'must be valid Unicode, ...' }]
 */
export function payloadShapeErrors(payload: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: payload, path: '', depth: 0 }];
  while (stack.length > 0 && errors.length < MAX_REPORTED) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) errors.push({ path, message: 'must be valid Unicode, got a lone surrogate (\\ud800-\\udfff)' });
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_PAYLOAD_DEPTH) {
      errors.push({ path, message: `is nested deeper than ${MAX_PAYLOAD_DEPTH} levels` });
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: childPath(path, i), depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(value).reverse()) {
      const keyPath = childPath(path, UNPRINTABLE.test(key) ? JSON.stringify(key).slice(1, -1) : key);
      if (key.includes('\0')) errors.push({ path: keyPath, message: 'key must not contain NUL characters' });
      else if (LONE_SURROGATE.test(key)) errors.push({ path: keyPath, message: 'key must be valid Unicode, got a lone surrogate' });
      stack.push({ value: (value as Record<string, unknown>)[key], path: keyPath, depth: depth + 1 });
    }
  }
  return errors;
}
