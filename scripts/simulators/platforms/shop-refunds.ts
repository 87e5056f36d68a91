import { formatChinaIso } from '../../../workers/ingest/connectors/china-clock.ts';
import type { ApiResponse } from './api-server.ts';
import { ApiParams, ParamError } from './api-params.ts';
import { fenToYuan } from './demo-basket.ts';
import type { AftersaleFormat } from './platform-aftersales.ts';

/**
 * A Shopify Refund (Admin REST 2024-01): money already returned, never edited afterwards. `id`,
 * `order_id` and `line_item_id` are JSON numbers; `id` is a bigint here so it is written as the
 * 64-bit number it is (see `SHOP_REFUND_ID_BASE`).
 */
export interface ShopRefund {
  id: bigint;
  admin_graphql_api_id: string;
  order_id: number;
  created_at: string;
  processed_at: string;
  note: string;
  restock: boolean;
  refund_line_items: { id: number; line_item_id: number; quantity: number; subtotal: string; total_tax: string; restock_type: 'no_restock' | 'return' }[];
  transactions: { id: number; order_id: number; kind: 'refund'; status: 'success'; amount: string; currency: 'CNY'; gateway: string }[];
}

/**
 * The simulator's refund ids are odd numbers between 2^53 and 2^54 (2^53 + 1 + 2 * its after-sale
 * id), and a double there holds only even integers: every simulated Shopify refund has an id a
 * double cannot hold, so a connector that reads one through a plain JSON.parse gets another refund.
 */
export const SHOP_REFUND_ID_BASE = 9_007_199_254_740_993n;

/** The Shopify refund id of the simulator's after-sale `id`. */
export function shopRefundIdOf(id: string): string {
  return String(SHOP_REFUND_ID_BASE + 2n * BigInt(id));
}

const PAGE_MAX = 250;
const SHOP_WIDE = /^\/admin\/api\/(?:\d{4}-\d{2}\/)?refunds\.json$/;
const OF_ORDER = /^\/admin\/api\/(?:\d{4}-\d{2}\/)?orders\/(\d+)\/refunds\.json$/;

/**
 * The web shop's refunds in Shopify's format. Shopify has no requested or agreed after-sale: a
 * refund exists once the money is returned, so only the simulator's `success` records are
 * rendered (the others render as null and are never listed). A return (the simulator's
 * `return_refund`) restocks its line: `restock_type` `return`.
 * - `GET /admin/api/2024-01/orders/{id}/refunds.json`: Shopify's own listing, one order's refunds.
 * - `GET /admin/api/2024-01/refunds.json` with `updated_at_min` / `updated_at_max` (ISO-8601, both
 *   included; a refund's time is its `created_at`), `limit` (at most 250): the shop-wide listing
 *   the connector polls, in id order, the next page in `Link: <...page_info=...>; rel="next"`.
 *   Shopify itself has no such listing (a real connector would list the orders updated and read
 *   each one's refunds.json); it stands in for that pair.
 */
export const SHOP_REFUNDS: AftersaleFormat<ShopRefund | null> = {
  render(r, order) {
    if (r.status !== 'success') return null;
    const orderId = Number((order.payload as { id: number }).id);
    const lineItemId = Number(((order.payload as { line_items: { id: number }[] }).line_items[r.lineIndex] ?? { id: 0 }).id);
    const id = BigInt(shopRefundIdOf(r.id));
    const at = formatChinaIso(r.modifiedMs);
    const amount = fenToYuan(r.refundFen);
    return {
      id,
      admin_graphql_api_id: `gid://shopify/Refund/${id}`,
      order_id: orderId,
      created_at: at,
      processed_at: at,
      note: r.reason,
      restock: r.type === 'return_refund',
      refund_line_items: [{ id: Number(r.id), line_item_id: lineItemId, quantity: r.qty, subtotal: amount, total_tax: '0.00', restock_type: r.type === 'return_refund' ? 'return' : 'no_restock' }],
      transactions: [{ id: Number(r.id), order_id: orderId, kind: 'refund', status: 'success', amount, currency: 'CNY', gateway: 'shopify_payments' }],
    };
  },
  route(req, store) {
    if (req.method !== 'GET') return undefined;
    const ofOrder = OF_ORDER.exec(req.path);
    if (!SHOP_WIDE.test(req.path) && !ofOrder) return undefined;
    const listed = (rows: readonly { payload: ShopRefund | null }[]) =>
      rows
        .map((o) => o.payload)
        .filter((r): r is ShopRefund => r !== null)
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (ofOrder) return refundsBody(listed(store.modifiedWithin(0, Number.MAX_SAFE_INTEGER)).filter((r) => String(r.order_id) === ofOrder[1]));
    try {
      const params = new ApiParams(req);
      const limit = params.int('limit', 50, 1, PAGE_MAX);
      const info = params.has('page_info') ? decodePageInfo(params.text('page_info')) : { min: params.time('updated_at_min'), max: params.time('updated_at_max'), afterId: '0' };
      const matching = listed(store.modifiedWithin(info.min, info.max)).filter((r) => r.id > BigInt(info.afterId));
      const page = matching.slice(0, limit);
      const last = page.at(-1);
      const headers: Record<string, string> = {};
      if (last && matching.length > limit) {
        const next = Buffer.from(JSON.stringify({ ...info, afterId: String(last.id) })).toString('base64url');
        headers.link = `<http://${req.headers.host ?? '127.0.0.1'}${req.path}?limit=${limit}&page_info=${next}>; rel="next"`;
      }
      return { ...refundsBody(page), headers };
    } catch (error) {
      if (error instanceof ParamError) return { status: 400, body: { errors: { [error.param]: error.message } } };
      throw error;
    }
  },
};

/** `{refunds: [...]}` with each bigint id written as its digits, as Shopify writes its 64-bit ids. */
function refundsBody(refunds: ShopRefund[]): ApiResponse {
  const text = JSON.stringify({ refunds }, (_key, value: unknown) => (typeof value === 'bigint' ? `\u0000${value}` : value)).replace(/"\\u0000(\d+)"/g, '$1');
  return { status: 200, body: null, rawBody: text };
}

function decodePageInfo(text: string): { min: number; max: number; afterId: string } {
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { min: number; max: number; afterId: string };
  } catch {
    throw new ParamError('page_info', 'is not a cursor this API handed out');
  }
}
