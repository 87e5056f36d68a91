import { z } from 'zod';
import { formatChinaIso } from '../china-clock.ts';
import type { PlatformApi } from '../platform-api.ts';
import type { PlatformHttp } from '../platform-http.ts';

const ORDERS = '/admin/api/orders.json';
const COUNT = '/admin/api/orders/count.json';
const PAGE_MAX = 250;
const DAY_MS = 24 * 3600_000;

const ordersAnswer = z.object({ orders: z.array(z.record(z.string(), z.unknown())) });
const idsAnswer = z.object({ orders: z.array(z.object({ id: z.union([z.number(), z.string()]) })) });
const countAnswer = z.object({ count: z.number().int().nonnegative() });

/**
 * The web shop's Shopify Admin REST API: orders by `updated_at_min` / `updated_at_max`, paged by
 * the cursor in the `Link: <...>; rel="next"` header. Cursor paging does not shift when orders
 * change mid-read, so pages are read in order. `status=any` matters: Shopify's default leaves
 * cancelled orders out, and a cancellation is exactly what must not be missed.
 */
export function shopApi(http: PlatformHttp, pageSize = PAGE_MAX): PlatformApi {
  async function* pages<S extends z.ZodType<{ orders: unknown[] }>>(schema: S, query: Record<string, string | number>, signal: AbortSignal): AsyncGenerator<z.infer<S>['orders']> {
    let next: string | undefined = ORDERS;
    let params: Record<string, string | number> = query;
    while (next !== undefined) {
      const { body, headers } = await http.get(next, params, signal);
      yield http.parse(schema, body, `GET ${ORDERS}`).orders;
      next = nextLink(headers.get('link'));
      // The next link carries the whole query (Shopify refuses filters next to page_info).
      params = {};
    }
  }
  return {
    channel: 'shop',
    maxWindowMs: DAY_MS,
    ordersModified(window, signal) {
      return pages(ordersAnswer, { updated_at_min: formatChinaIso(window.fromMs), updated_at_max: formatChinaIso(window.toMs), status: 'any', limit: pageSize }, signal);
    },
    async ordersCreated(day, signal) {
      const span = { created_at_min: formatChinaIso(day.startMs), created_at_max: formatChinaIso(day.endMs - 1000), status: 'any' };
      const { body } = await http.get(COUNT, span, signal);
      const { count } = http.parse(countAnswer, body, `GET ${COUNT}`);
      const externalIds: string[] = [];
      for await (const page of pages(idsAnswer, { ...span, fields: 'id', limit: PAGE_MAX }, signal)) externalIds.push(...page.map((o) => String(o.id)));
      return { count, externalIds };
    },
  };
}

/** The URL of `rel="next"` in a Link header, if any. */
export function nextLink(header: string | null): string | undefined {
  for (const part of header?.split(',') ?? []) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1];
  }
  return undefined;
}
