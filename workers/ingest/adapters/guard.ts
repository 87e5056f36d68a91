import type { ChannelAdapter, NormalizeResult } from '../../../streams/canonical-order.ts';

/**
 * Wraps an adapter so that nothing escapes it: an unexpected exception (a bug, or a payload built
 * to break us, such as a throwing getter) becomes a field error at path '' and the payload goes to
 * dead letters like any other bad one.
 */
export function neverThrows(adapter: ChannelAdapter): ChannelAdapter {
  return (payload: unknown): NormalizeResult => {
    try {
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
