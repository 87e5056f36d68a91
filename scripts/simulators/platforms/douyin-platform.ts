import type { ApiResponse } from './api-server.ts';
import { ApiParams, ParamError, offsetPage } from './api-params.ts';
import { basketOf, maskedNumber, movedDetail, virtualNumber } from './demo-basket.ts';
import type { PlatformDefinition } from './platform-simulator.ts';
import { DOUYIN_AFTERSALES } from './douyin-aftersales.ts';

/** A 抖店 shop_order_detail as `order.searchList` lists it: times in epoch seconds, amounts in fen. */
export interface DouyinOrder {
  order_id: string;
  /** 1 unpaid, 2 to ship, 4 cancelled (see channels.md for the rest). */
  order_status: 1 | 2 | 4;
  create_time: number;
  pay_time: number;
  update_time: number;
  pay_type: 1;
  order_amount: number;
  pay_amount: number;
  post_amount: number;
  promotion_amount: number;
  promotion_shop_amount: number;
  promotion_platform_amount: number;
  buyer_words: string;
  seller_words: string;
  doudian_open_id: string;
  post_addr: {
    province: { name: string; id: string };
    city: { name: string; id: string };
    town: { name: string; id: string };
    street: { name: string; id: string };
    detail: string;
  };
  mask_post_receiver: string;
  mask_post_tel: string;
  /** The privacy number Douyin hands out to reach the buyer. */
  virtual_post_tel: string;
  sku_order_list: {
    order_id: string;
    product_id: string;
    product_name: string;
    sku_id: string;
    out_sku_id: string;
    item_num: number;
    origin_amount: number;
    pay_amount: number;
    after_sale_info: { after_sale_status: number; refund_status: 0 | 3 };
  }[];
}

const PAGE_MAX = 100;
const SUCCESS = 10000;

/**
 * 抖店 `POST /order/searchList` with a JSON body: `update_time_start`, `update_time_end` (epoch
 * seconds, both included) or `create_time_start`, `create_time_end`, `page` (from 0) and `size`
 * (at most 100). Answers `{code: 10000, data: {shop_order_list, total, page, size}}`.
 */
export const DOUYIN: PlatformDefinition<DouyinOrder> = {
  channel: 'douyin',
  create(seq, { createdMs, modifiedMs }) {
    const basket = basketOf(seq);
    const created = createdMs / 1000;
    const orderId = `69${String(seq).padStart(17, '0')}`;
    const order: DouyinOrder = {
      order_id: orderId,
      order_status: basket.unpaid ? 1 : 2,
      create_time: created,
      pay_time: basket.unpaid ? 0 : created,
      update_time: modifiedMs / 1000,
      pay_type: 1,
      order_amount: basket.paidFen,
      pay_amount: basket.paidFen,
      post_amount: basket.shippingFen,
      promotion_amount: basket.discountFen,
      promotion_shop_amount: basket.discountFen,
      promotion_platform_amount: 0,
      buyer_words: '',
      seller_words: '',
      doudian_open_id: `dy_${basket.buyer}`,
      post_addr: {
        province: { name: basket.address.province, id: '' },
        city: { name: basket.address.city, id: '' },
        town: { name: basket.address.district, id: '' },
        street: { name: '', id: '' },
        detail: basket.address.detail,
      },
      // Douyin shows the seller masked receivers only.
      mask_post_receiver: `${basket.address.receiver.slice(0, 1)}*`,
      mask_post_tel: maskedNumber(basket.address.phone),
      virtual_post_tel: virtualNumber(seq),
      sku_order_list: basket.lines.map((line, i) => ({
        order_id: `${orderId.slice(0, -1)}${i}`,
        product_id: String(3_600_000_000_000 + i),
        product_name: line.title,
        sku_id: String(1_700_000_000_000 + i),
        out_sku_id: line.sku,
        item_num: line.qty,
        origin_amount: line.unitFen * line.qty,
        pay_amount: line.unitFen * line.qty,
        after_sale_info: { after_sale_status: 0, refund_status: 0 },
      })),
    };
    return { externalId: orderId, payload: order };
  },
  update({ seq, payload: order }, kind, atMs) {
    const at = atMs / 1000;
    const open = order.order_status === 1 || order.order_status === 2;
    switch (kind) {
      case 'paid':
        return order.order_status === 1 ? { ...order, order_status: 2, pay_time: at, update_time: at } : undefined;
      case 'cancelled':
        return open ? { ...order, order_status: 4, update_time: at } : undefined;
      case 'refunded':
        if (order.order_status !== 2) return undefined;
        return {
          ...order,
          order_status: 4,
          update_time: at,
          sku_order_list: order.sku_order_list.map((s) => ({ ...s, after_sale_info: { after_sale_status: 12, refund_status: 3 } })),
        };
      case 'readdressed':
        return open && order.post_addr.detail !== movedDetail(seq) ? { ...order, post_addr: { ...order.post_addr, detail: movedDetail(seq) }, update_time: at } : undefined;
      default: {
        const never: never = kind;
        throw new Error(`unknown update ${String(never)}`);
      }
    }
  },
  route(req, { store, serve }) {
    if (req.method !== 'POST' || req.path !== '/order/searchList') return undefined;
    const params = new ApiParams(req);
    try {
      const page = params.int('page', 0, 0, 100_000);
      const size = params.int('size', 10, 1, PAGE_MAX);
      const byModified = params.has('update_time_start');
      const from = params.time(byModified ? 'update_time_start' : 'create_time_start');
      const to = params.time(byModified ? 'update_time_end' : 'create_time_end');
      if (to < from) throw new ParamError(byModified ? 'update_time_end' : 'create_time_end', 'must not be before the start');
      const all = byModified ? store.modifiedWithin(from, to) : store.createdWithin(from, to + 1);
      const onPage = offsetPage(all, page, size, 0);
      // Only the modified-time listing is the connector's feed; counting does not mark orders served.
      const list = byModified ? serve(onPage) : onPage.map((o) => o.payload);
      return { status: 200, body: { code: SUCCESS, msg: 'success', data: { shop_order_list: list, total: all.length, page, size } } };
    } catch (error) {
      if (error instanceof ParamError) return douyinError(40004, error.message);
      throw error;
    }
  },
  aftersales: DOUYIN_AFTERSALES,
  rateLimitedBody: () => ({ code: 50002, msg: '访问太频繁，请稍后再试', sub_code: 'isv.access-limit' }),
};

function douyinError(code: number, msg: string): ApiResponse {
  return { status: 200, body: { code, msg: `参数错误: ${msg}`, sub_code: 'isv.parameter-invalid' } };
}
