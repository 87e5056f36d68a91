import { formatChinaTime } from '../../../workers/ingest/connectors/china-clock.ts';
import type { ApiResponse } from './api-server.ts';
import { ApiParams, ParamError, offsetPage } from './api-params.ts';
import { basketOf, maskedNumber, movedDetail, virtualNumber } from './demo-basket.ts';
import type { PlatformDefinition } from './platform-simulator.ts';
import { PDD_REFUNDS } from './pdd-refunds.ts';

/** A Pinduoduo order_info: amounts in yuan numbers, times in China time. */
export interface PddOrder {
  order_sn: string;
  order_status: 1;
  /** 1 none, 4 refunded. */
  refund_status: 1 | 4;
  /** 0 the group buy has not formed yet, 1 confirmed, 2 cancelled. */
  confirm_status: 0 | 1 | 2;
  created_time: string;
  confirm_time?: string;
  updated_at: string;
  goods_amount: number;
  pay_amount: number;
  discount_amount: number;
  platform_discount: number;
  seller_discount: number;
  postage: number;
  province: string;
  city: string;
  town: string;
  address: string;
  receiver_name_mask: string;
  receiver_phone_mask: string;
  /** The privacy number Pinduoduo hands out to reach the buyer. */
  receiver_phone_virtual: string;
  buyer_memo: string;
  remark: string;
  item_list: { goods_id: number; goods_name: string; sku_id: number; outer_id: string; goods_count: number; goods_price: number }[];
}

const PAGE_MAX = 100;
/** Pinduoduo's increment API refuses windows longer than 30 minutes. */
const MAX_WINDOW_MS = 30 * 60_000;
const INCREMENT = 'pdd.order.number.list.increment.get';
const LIST = 'pdd.order.number.list.get';

/**
 * Pinduoduo's gateway `POST /api/router` with a JSON body naming the API in `type`:
 * - `pdd.order.number.list.increment.get` `start_updated_at`, `end_updated_at` (epoch seconds,
 *   both included, at most 30 minutes apart), `page` (from 1), `page_size` (at most 100): full
 *   orders changed in the window, with `total_count`;
 * - `pdd.order.number.list.get` `start_created_at`, `end_created_at`: the order numbers created in
 *   a span (the daily count; the real API bounds the confirm time, the simulator the creation).
 */
export const PDD: PlatformDefinition<PddOrder> = {
  channel: 'pdd',
  create(seq, { createdMs, modifiedMs }) {
    const basket = basketOf(seq);
    const day = formatChinaTime(createdMs).slice(2, 10).replaceAll('-', '');
    const order: PddOrder = {
      order_sn: `${day}-${String(seq).padStart(15, '0')}`,
      order_status: 1,
      refund_status: 1,
      confirm_status: basket.unpaid ? 0 : 1,
      created_time: formatChinaTime(createdMs),
      ...(basket.unpaid ? {} : { confirm_time: formatChinaTime(createdMs) }),
      updated_at: formatChinaTime(modifiedMs),
      goods_amount: basket.goodsFen / 100,
      pay_amount: basket.paidFen / 100,
      discount_amount: basket.discountFen / 100,
      platform_discount: 0,
      seller_discount: basket.discountFen / 100,
      postage: basket.shippingFen / 100,
      province: basket.address.province,
      city: basket.address.city,
      town: basket.address.district,
      address: basket.address.detail,
      receiver_name_mask: `${basket.address.receiver.slice(0, 1)}*`,
      receiver_phone_mask: maskedNumber(basket.address.phone),
      receiver_phone_virtual: virtualNumber(seq),
      buyer_memo: '',
      remark: '',
      item_list: basket.lines.map((line, i) => ({
        goods_id: 398_765_400_000 + i,
        goods_name: line.title,
        sku_id: 1_234_567_800_000 + i,
        outer_id: line.sku,
        goods_count: line.qty,
        goods_price: line.unitFen / 100,
      })),
    };
    return { externalId: order.order_sn, payload: order };
  },
  update({ seq, payload: order }, kind, atMs) {
    const updated_at = formatChinaTime(atMs);
    switch (kind) {
      case 'paid':
        // The group buy formed: the buyer's payment is confirmed.
        return order.confirm_status === 0 ? { ...order, confirm_status: 1, confirm_time: updated_at, updated_at } : undefined;
      case 'cancelled':
        return order.confirm_status === 0 ? { ...order, confirm_status: 2, updated_at } : undefined;
      case 'refunded':
        return order.confirm_status === 1 && order.refund_status === 1 ? { ...order, refund_status: 4, updated_at } : undefined;
      case 'readdressed':
        return order.confirm_status !== 2 && order.refund_status === 1 && order.address !== movedDetail(seq) ? { ...order, address: movedDetail(seq), updated_at } : undefined;
      default: {
        const never: never = kind;
        throw new Error(`unknown update ${String(never)}`);
      }
    }
  },
  route(req, { store, serve }) {
    if (req.method !== 'POST' || req.path !== '/api/router') return undefined;
    const params = new ApiParams(req);
    try {
      const type = params.text('type');
      const page = params.int('page', 1, 1, 100_000);
      const pageSize = params.int('page_size', 100, 1, PAGE_MAX);
      if (type === INCREMENT) {
        const from = params.time('start_updated_at');
        const to = params.time('end_updated_at');
        if (to < from) throw new ParamError('end_updated_at', 'must not be before start_updated_at');
        if (to - from > MAX_WINDOW_MS) throw new ParamError('end_updated_at', 'must be within 30 minutes of start_updated_at');
        const all = store.modifiedWithin(from, to);
        const list = serve(offsetPage(all, page, pageSize));
        return { status: 200, body: { order_sn_increment_get_response: { total_count: all.length, has_next: page * pageSize < all.length, order_sn_list: list } } };
      }
      if (type === LIST) {
        const from = params.time('start_created_at');
        const to = params.time('end_created_at');
        const all = store.createdWithin(from, to + 1);
        const list = offsetPage(all, page, pageSize).map((o) => ({ order_sn: o.externalId }));
        return { status: 200, body: { order_sn_list_get_response: { total_count: all.length, order_sn_list: list } } };
      }
      return pddError(10001, `unknown type ${type}`);
    } catch (error) {
      if (error instanceof ParamError) return pddError(10000, error.message);
      throw error;
    }
  },
  aftersales: PDD_REFUNDS,
  rateLimitedBody: () => ({ error_response: { error_code: 70031, error_msg: '调用过于频繁，请调整调用频率', sub_msg: 'call limit exceeded' } }),
};

function pddError(code: number, msg: string): ApiResponse {
  return { status: 200, body: { error_response: { error_code: code, error_msg: `参数错误: ${msg}`, sub_msg: msg } } };
}
