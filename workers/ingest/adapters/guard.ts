import type { ChannelAdapter, NormalizeResult } from '../../../streams/canonical-order.ts';
import { payloadShapeErrors } from './payload-shape.ts';

/**
 * Wraps an adapter so that nothing escapes it: a payload that could never be stored (see
 * {@link payloadShapeErrors}) is refused before the adapter reads it, and an unexpected exception
 * (a bug, or a payload built to break us, such as a throwing getter) becomes a field error at path
 * '' and the payload goes to dead letters like any other bad one.
 */
export function neverThrows(adapter: ChannelAdapter): ChannelAdapter {
  return (payload: unknown): NormalizeResult => {
    try {
      // Anything but an object is refused by the adapter itself, without a deep look.
      const shape = isObject(payload) ? payloadShapeErrors(payload) : [];
      if (shape.length > 0) return { ok: false, errors: shape };
      return adapter(payload);
    } catch (error) {
      return { ok: false, errors: [{ path: '', message: `could not normalize the payload: ${reasonOf(error)}` }] };
    }
  };
}

// Bounded, since a hostile payload may control the text.
const MAX_REASON = 200;

function reasonOf(error: unknown): string {
  let reason: string;
  try {
    reason = String(error instanceof Error ? error.message : error);
  } catch {
    reason = 'an unprintable error';
  }
  return reason.slice(0, MAX_REASON);
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
