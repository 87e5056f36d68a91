import { z } from 'zod';
import { formatChinaIso } from '../china-clock.ts';
import type { PlatformApi } from '../platform-api.ts';
import type { PlatformHttp } from '../platform-http.ts';

const ORDERS = '/admin/api/orders.json';
const COUNT = '/admin/api/orders/count.json';
const REFUNDS = '/admin/api/2024-01/refunds.json';
const PAGE_MAX = 250;
const DAY_MS = 24 * 3600_000;

const ordersAnswer = z.object({ orders: z.array(z.record(z.string(), z.unknown())) });
const idsAnswer = z.object({ orders: z.array(z.object({ id: z.union([z.number(), z.string()]) })) });
const countAnswer = z.object({ count: z.number().int().nonnegative() });
const refundsAnswer = z.object({ refunds: z.array(z.record(z.string(), z.unknown())) });

/**
 * The web shop's Shopify Admin REST API: orders by `updated_at_min` / `updated_at_max`, paged by
 * the cursor in the `Link: <...>; rel="next"` header. Cursor paging does not shift when orders
 * change mid-read, so pages are read in order. `status=any` matters: Shopify's default leaves
 * cancelled orders out, and a cancellation is exactly what must not be missed. Refunds (after-sales)
 * come from the shop-wide `GET /admin/api/2024-01/refunds.json` by `updated_at_min` / `_max`.
 */
export function shopApi(http: PlatformHttp, pageSize = PAGE_MAX): PlatformApi {
  async function* pages<S extends z.ZodType<{ orders: unknown[] }>>(schema: S, query: Record<string, string | number>, signal: AbortSignal): AsyncGenerator<z.infer<S>['orders']> {
    for await (const body of linked(ORDERS, query, signal)) yield http.parse(schema, body, `GET ${ORDERS}`).orders;
  }
  /** Every page of a listing from `path`, following the Link header's next page. */
  async function* linked(path: string, query: Record<string, string | number>, signal: AbortSignal): AsyncGenerator<unknown> {
    let next: string | undefined = path;
    let params: Record<string, string | number> = query;
    while (next !== undefined) {
      const { body, headers } = await http.get(next, params, signal);
      yield body;
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
    async *aftersalesModified(window, signal) {
      // Refunds listed shop-wide by their time (a refund is never edited: its created_at); ids are
      // 64-bit numbers, which PlatformHttp reads losslessly (payload-json.ts).
      const query = { updated_at_min: formatChinaIso(window.fromMs), updated_at_max: formatChinaIso(window.toMs), limit: pageSize };
      for await (const body of linked(REFUNDS, query, signal)) yield http.parse(refundsAnswer, body, `GET ${REFUNDS}`).refunds;
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
