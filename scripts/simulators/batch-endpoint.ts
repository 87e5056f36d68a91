import type { JsonResponse } from './json-server.ts';

/** One item's answer inside a batch response: its key, its HTTP-like status and its body. */
export interface BatchItemResult {
  key: string;
  status: number;
  body: unknown;
}

/**
 * Serves a batch call `{ items: [{ key, ...fields }] }` by answering each item with `one(key,
 * item)`, as a batch e-waybill or batch-SMS API does: one call, a result per item, each item
 * idempotent under its own key.
 */
export function batchOf(body: unknown, limit: number, one: (key: string, item: unknown) => JsonResponse): JsonResponse {
  const items = (body as { items?: unknown } | undefined)?.items;
  if (!Array.isArray(items) || items.length === 0) return { status: 400, body: { error: 'items: required non-empty array' } };
  if (items.length > limit) return { status: 400, body: { error: `items: at most ${limit} per call, got ${items.length}` } };
  const keys = items.map((item: unknown) => (item as { key?: unknown } | null)?.key);
  const badKey = keys.findIndex((k) => typeof k !== 'string' || k === '');
  if (badKey >= 0) return { status: 400, body: { error: `items[${badKey}].key: required non-empty string` } };
  const results: BatchItemResult[] = items.map((item: unknown, i) => {
    const key = keys[i] as string;
    const answer = one(key, item);
    return { key, status: answer.status, body: answer.body };
  });
  return { status: 200, body: { results } };
}
