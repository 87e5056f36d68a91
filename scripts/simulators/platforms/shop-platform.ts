import { formatChinaIso } from '../../../workers/ingest/connectors/china-clock.ts';
import { generateShopOrder } from '../shop-orders.ts';
import type { ApiResponse } from './api-server.ts';
import { ApiParams, ParamError } from './api-params.ts';
import { basketOf, movedDetail } from './demo-basket.ts';
import { compareIds, type PlatformOrder } from './order-store.ts';
import type { PlatformContext, PlatformDefinition } from './platform-simulator.ts';
import { SHOP_REFUNDS } from './shop-refunds.ts';

/** A Shopify order (the fields the simulator changes; the rest come from `generateShopOrder`). */
export interface ShopOrder extends Record<string, unknown> {
  id: number;
  created_at: string;
  updated_at: string;
  cancelled_at: string | null;
  financial_status: 'pending' | 'paid' | 'refunded' | 'voided';
  shipping_address: Record<string, unknown> & { address1: string };
}

const PAGE_MAX = 250;
const ORDERS = /^\/admin\/api\/(?:\d{4}-\d{2}\/)?orders\.json$/;
const COUNT = /^\/admin\/api\/(?:\d{4}-\d{2}\/)?orders\/count\.json$/;

/** What a `page_info` cursor carries: the query it continues and the last id served. */
interface PageInfo {
  by: 'updated' | 'created' | 'since';
  min: number;
  max: number;
  afterId: number;
  status: string;
  fields: string;
}

/**
 * The independent web shop, Shopify's Admin REST API:
 * - `GET /admin/api/orders.json` with `updated_at_min` / `updated_at_max` (ISO-8601, both
 *   included), or `created_at_min` / `created_at_max`, or `since_id`; `limit` (at most 250),
 *   `status=any` (without it cancelled orders are left out, as on Shopify), `fields=id`. Pages in
 *   id order; the next page is in the `Link: <...page_info=...>; rel="next"` header.
 * - `GET /admin/api/orders/count.json` with `created_at_min` / `created_at_max`: `{count}`.
 * - refunds, in Shopify's Refund format: see shop-refunds.ts.
 */
export const SHOP: PlatformDefinition<ShopOrder> = {
  channel: 'shop',
  create(seq, { createdMs, modifiedMs }) {
    const created = formatChinaIso(createdMs);
    // generateShopOrder is typed as a plain record; its shape is the Shopify order described above.
    const order = {
      ...generateShopOrder(seq, new Date(createdMs)),
      created_at: created,
      processed_at: created,
      updated_at: formatChinaIso(modifiedMs),
      financial_status: basketOf(seq).unpaid ? 'pending' : 'paid',
    } as unknown as ShopOrder;
    return { externalId: String(order.id), payload: order };
  },
  update({ seq, payload: order }, kind, atMs) {
    const updated_at = formatChinaIso(atMs);
    const open = order.cancelled_at === null && (order.financial_status === 'pending' || order.financial_status === 'paid');
    switch (kind) {
      case 'paid':
        return order.financial_status === 'pending' && order.cancelled_at === null ? { ...order, financial_status: 'paid', updated_at } : undefined;
      case 'cancelled':
        // Cancelling a paid order refunds it on Shopify; an unpaid one has its authorisation voided.
        return open ? { ...order, cancelled_at: updated_at, financial_status: order.financial_status === 'paid' ? 'refunded' : 'voided', updated_at } : undefined;
      case 'refunded':
        return open && order.financial_status === 'paid' ? { ...order, financial_status: 'refunded', updated_at } : undefined;
      case 'readdressed':
        return open && order.shipping_address.address1 !== movedDetail(seq) ? { ...order, shipping_address: { ...order.shipping_address, address1: movedDetail(seq) }, updated_at } : undefined;
      default: {
        const never: never = kind;
        throw new Error(`unknown update ${String(never)}`);
      }
    }
  },
  route(req, ctx) {
    if (req.method !== 'GET') return undefined;
    try {
      if (ORDERS.test(req.path)) return listOrders(new ApiParams(req), ctx, `http://${req.headers.host ?? '127.0.0.1'}${req.path}`);
      if (COUNT.test(req.path)) {
        const params = new ApiParams(req);
        const min = params.time('created_at_min');
        const max = params.time('created_at_max');
        const orders = ctx.store.createdWithin(min, max + 1).filter(statusFilter(params.text('status', 'open')));
        return { status: 200, body: { count: orders.length } };
      }
      return undefined;
    } catch (error) {
      // Shopify answers a bad parameter with 400 and an `errors` object keyed by the parameter.
      if (error instanceof ParamError) return { status: 400, body: { errors: { [error.param]: error.message } } };
      throw error;
    }
  },
  aftersales: SHOP_REFUNDS,
  rateLimitedBody: () => ({ errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' }),
};

function listOrders(params: ApiParams, { store, serve }: PlatformContext<ShopOrder>, selfUrl: string): ApiResponse {
  const limit = params.int('limit', 50, 1, PAGE_MAX);
  const info: PageInfo = params.has('page_info') ? decodePageInfo(params.text('page_info')) : firstPage(params);
  const matching = (
    info.by === 'updated'
      ? store.modifiedWithin(info.min, info.max)
      : info.by === 'created'
        ? store.createdWithin(info.min, info.max + 1)
        : [...store.modifiedWithin(0, Number.MAX_SAFE_INTEGER)]
  )
    .filter(statusFilter(info.status))
    .filter((o) => o.payload.id > info.afterId)
    .sort((a, b) => compareIds(a.externalId, b.externalId));
  const page = matching.slice(0, limit);
  const orders = info.fields === 'id' ? page.map((o) => ({ id: o.payload.id })) : serve(page);
  const last = page.at(-1);
  const headers: Record<string, string> = {};
  if (last && matching.length > limit) {
    const next = encodePageInfo({ ...info, afterId: last.payload.id });
    headers.link = `<${selfUrl}?limit=${limit}&page_info=${next}>; rel="next"`;
  }
  return { status: 200, body: { orders }, headers };
}

function firstPage(params: ApiParams): PageInfo {
  const status = params.text('status', 'open');
  const fields = params.text('fields', '');
  if (params.has('updated_at_min') || params.has('updated_at_max')) {
    return { by: 'updated', min: params.time('updated_at_min'), max: params.time('updated_at_max'), afterId: 0, status, fields };
  }
  if (params.has('created_at_min') || params.has('created_at_max')) {
    return { by: 'created', min: params.time('created_at_min'), max: params.time('created_at_max'), afterId: 0, status, fields };
  }
  return { by: 'since', min: 0, max: 0, afterId: params.int('since_id', 0, 0, Number.MAX_SAFE_INTEGER), status, fields };
}

/** Shopify's default `status=open` leaves cancelled orders out: connectors must ask for `any`. */
function statusFilter(status: string): (o: PlatformOrder<ShopOrder>) => boolean {
  if (status === 'any') return () => true;
  if (status === 'open') return (o) => o.payload.cancelled_at === null;
  if (status === 'cancelled') return (o) => o.payload.cancelled_at !== null;
  throw new ParamError('status', `must be open, cancelled or any, got ${JSON.stringify(status)}`);
}

function encodePageInfo(info: PageInfo): string {
  return Buffer.from(JSON.stringify(info)).toString('base64url');
}

function decodePageInfo(text: string): PageInfo {
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as PageInfo;
  } catch {
    throw new ParamError('page_info', 'is not a cursor this API handed out');
  }
}
