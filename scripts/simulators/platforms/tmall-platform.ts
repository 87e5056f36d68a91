import { formatChinaTime } from '../../../workers/ingest/connectors/china-clock.ts';
import type { ApiResponse } from './api-server.ts';
import { ApiParams, ParamError, offsetPage } from './api-params.ts';
import { basketOf, fenToYuan, maskedNumber, movedDetail, virtualNumber } from './demo-basket.ts';
import type { PlatformDefinition } from './platform-simulator.ts';
import { TMALL_REFUNDS } from './tmall-refunds.ts';

/** A TOP trade as `taobao.trade.fullinfo.get` returns it (the fields the pipeline reads, and a few more). */
export interface TmallTrade {
  tid: number;
  tid_str: string;
  type: 'fixed';
  status: 'WAIT_BUYER_PAY' | 'WAIT_SELLER_SEND_GOODS' | 'TRADE_CLOSED' | 'TRADE_CLOSED_BY_TAOBAO';
  created: string;
  pay_time?: string;
  modified: string;
  buyer_nick: string;
  buyer_message: string;
  seller_memo: string;
  payment: string;
  total_fee: string;
  post_fee: string;
  discount_fee: string;
  receiver_name: string;
  receiver_state: string;
  receiver_city: string;
  receiver_district: string;
  receiver_town: string;
  receiver_address: string;
  receiver_mobile: string;
  /** The privacy number Taobao hands out to reach the buyer; `receiver_mobile` is masked. */
  virtual_mobile: string;
  receiver_zip: string;
  orders: { order: TmallOrder[] };
}

interface TmallOrder {
  oid: number;
  num_iid: number;
  sku_id: string;
  outer_sku_id: string;
  title: string;
  num: number;
  price: string;
  total_fee: string;
  payment: string;
  refund_status: 'NO_REFUND' | 'SUCCESS';
}

const PAGE_MAX = 100;
const DAY_MS = 24 * 3600_000;
const INCREMENT = 'taobao.trades.sold.increment.get';
const SOLD = 'taobao.trades.sold.get';

/**
 * Tmall / Taobao through the TOP gateway `GET /router/rest?method=...`:
 * - `taobao.trades.sold.increment.get` `start_modified`, `end_modified` ("yyyy-MM-dd HH:mm:ss",
 *   both ends included, at most one day apart), `page_no` (from 1), `page_size` (at most 100):
 *   full trades changed in the window, oldest change first, with `total_results`;
 * - `taobao.trades.sold.get` `start_created`, `end_created`, `fields=tid`: the trades created in
 *   a span (the daily count).
 * TOP answers its own errors with HTTP 200 and an `error_response`, as the real gateway does.
 */
export const TMALL: PlatformDefinition<TmallTrade> = {
  channel: 'tmall',
  create(seq, { createdMs, modifiedMs }) {
    const basket = basketOf(seq);
    const trade: TmallTrade = {
      tid: seq,
      tid_str: String(seq),
      type: 'fixed',
      status: basket.unpaid ? 'WAIT_BUYER_PAY' : 'WAIT_SELLER_SEND_GOODS',
      created: formatChinaTime(createdMs),
      ...(basket.unpaid ? {} : { pay_time: formatChinaTime(createdMs) }),
      modified: formatChinaTime(modifiedMs),
      buyer_nick: `tb_${basket.buyer}`,
      buyer_message: '',
      seller_memo: '',
      payment: fenToYuan(basket.paidFen),
      total_fee: fenToYuan(basket.goodsFen),
      post_fee: fenToYuan(basket.shippingFen),
      discount_fee: fenToYuan(basket.discountFen),
      receiver_name: basket.address.receiver,
      receiver_state: basket.address.province,
      receiver_city: basket.address.city,
      receiver_district: basket.address.district,
      receiver_town: '',
      receiver_address: basket.address.detail,
      receiver_mobile: maskedNumber(basket.address.phone),
      virtual_mobile: virtualNumber(seq),
      receiver_zip: basket.address.postcode,
      orders: {
        order: basket.lines.map((line, i) => ({
          oid: seq * 10 + i,
          num_iid: 600_000_000_000 + i,
          sku_id: String(5_000_000_000_000 + i),
          outer_sku_id: line.sku,
          title: line.title,
          num: line.qty,
          price: fenToYuan(line.unitFen),
          total_fee: fenToYuan(line.unitFen * line.qty),
          payment: fenToYuan(line.unitFen * line.qty),
          refund_status: 'NO_REFUND',
        })),
      },
    };
    return { externalId: trade.tid_str, payload: trade };
  },
  update({ seq, payload: trade }, kind, atMs) {
    const modified = formatChinaTime(atMs);
    const open = trade.status === 'WAIT_BUYER_PAY' || trade.status === 'WAIT_SELLER_SEND_GOODS';
    switch (kind) {
      case 'paid':
        return trade.status === 'WAIT_BUYER_PAY' ? { ...trade, status: 'WAIT_SELLER_SEND_GOODS', pay_time: modified, modified } : undefined;
      case 'cancelled':
        // Taobao closes an unpaid trade itself; a paid one is closed by the seller.
        return open ? { ...trade, status: trade.status === 'WAIT_BUYER_PAY' ? 'TRADE_CLOSED_BY_TAOBAO' : 'TRADE_CLOSED', modified } : undefined;
      case 'refunded':
        if (trade.status !== 'WAIT_SELLER_SEND_GOODS') return undefined;
        return { ...trade, status: 'TRADE_CLOSED', modified, orders: { order: trade.orders.order.map((o) => ({ ...o, refund_status: 'SUCCESS' })) } };
      case 'readdressed':
        return open && trade.receiver_address !== movedDetail(seq) ? { ...trade, receiver_address: movedDetail(seq), modified } : undefined;
      default: {
        const never: never = kind;
        throw new Error(`unknown update ${String(never)}`);
      }
    }
  },
  route(req, { store, serve }) {
    if (req.path !== '/router/rest') return undefined;
    const params = new ApiParams(req);
    try {
      const method = params.text('method');
      const pageNo = params.int('page_no', 1, 1, 100_000);
      const pageSize = params.int('page_size', 40, 1, PAGE_MAX);
      if (method === INCREMENT) {
        const from = params.time('start_modified');
        const to = params.time('end_modified');
        if (to < from) throw new ParamError('end_modified', 'must not be before start_modified');
        if (to - from > DAY_MS) throw new ParamError('end_modified', 'must be within one day of start_modified');
        const all = store.modifiedWithin(from, to);
        const trades = serve(offsetPage(all, pageNo, pageSize));
        return ok('trades_sold_increment_get_response', {
          total_results: all.length,
          has_next: pageNo * pageSize < all.length,
          // TOP leaves out an empty list altogether.
          ...(trades.length ? { trades: { trade: trades } } : {}),
        });
      }
      if (method === SOLD) {
        const from = params.time('start_created');
        const to = params.time('end_created');
        const all = store.createdWithin(from, to + 1);
        const page = offsetPage(all, pageNo, pageSize).map((o) => ({ tid: o.payload.tid, created: o.payload.created }));
        return ok('trades_sold_get_response', { total_results: all.length, has_next: pageNo * pageSize < all.length, ...(page.length ? { trades: { trade: page } } : {}) });
      }
      return topError(22, 'Invalid method', `isv.invalid-method:${method}`);
    } catch (error) {
      if (error instanceof ParamError) return topError(41, 'Invalid arguments', `isv.invalid-parameter:${error.message}`);
      throw error;
    }
  },
  // TOP answers its call limit with HTTP 200 and code 7; how long the ban lasts is in sub_msg.
  rateLimitedStatus: 200,
  aftersales: TMALL_REFUNDS,
  rateLimitedBody: (retryAfterS) => ({
    error_response: { code: 7, msg: 'App Call Limited', sub_code: 'accesscontrol.limited-by-app-access-count', sub_msg: `This ban will last for ${retryAfterS} more seconds` },
  }),
};

function ok(envelope: string, body: Record<string, unknown>): ApiResponse {
  return { status: 200, body: { [envelope]: { ...body, request_id: requestId() } } };
}

function topError(code: number, msg: string, subCode: string): ApiResponse {
  return { status: 200, body: { error_response: { code, msg, sub_code: subCode, request_id: requestId() } } };
}

function requestId(): string {
  return Math.random().toString(36).slice(2, 14);
}
