import { ApiParams, ParamError, offsetPage } from './api-params.ts';
import type { AftersaleFormat, SimAftersaleStatus } from './platform-aftersales.ts';

/** A 抖店 after-sale as `afterSale/List` lists it: its own part and the order's; times in epoch seconds, amounts in fen. */
export interface DouyinAftersale {
  aftersale_info: {
    aftersale_id: string;
    /** 0 退货退款, 1 已发货仅退款, 2 未发货仅退款, 3 换货. */
    aftersale_type: 0 | 1 | 2 | 3;
    /** 6 待商家同意, 7 待买家退货, 11 待商家收货, 12 同意退款 (退款成功), 27 拒绝售后申请, 28 售后关闭. */
    aftersale_status: number;
    refund_amount: number;
    reason: string;
    apply_time: number;
    update_time: number;
    return_logistics_company_name?: string;
    return_logistics_code?: string;
  };
  order_info: {
    shop_order_id: string;
    related_order_info: { sku_order_id: string; aftersale_item_num: number }[];
  };
}

const STATUS: Record<SimAftersaleStatus, number> = { requested: 6, agreed: 7, returned: 11, rejected: 27, closed: 28, success: 12 };
const PAGE_MAX = 100;

/**
 * 抖店 `POST /afterSale/List` with a JSON body: `update_start_time`, `update_end_time` (epoch
 * seconds, both included), `page` from 0, `size` at most 100. Answers `{code: 10000, data: {items,
 * total, page, size}}`; one after-sale per sku order.
 */
export const DOUYIN_AFTERSALES: AftersaleFormat<DouyinAftersale> = {
  render(r) {
    const skuOrderId = `${r.orderExternalId.slice(0, -1)}${r.lineIndex}`;
    return {
      aftersale_info: {
        aftersale_id: r.id,
        aftersale_type: r.type === 'return_refund' ? 0 : 1,
        aftersale_status: STATUS[r.status],
        refund_amount: r.refundFen,
        reason: r.reason,
        apply_time: r.createdMs / 1000,
        update_time: r.modifiedMs / 1000,
        ...(r.returnWaybill ? { return_logistics_company_name: r.returnWaybill.company, return_logistics_code: r.returnWaybill.waybill } : {}),
      },
      order_info: { shop_order_id: r.orderExternalId, related_order_info: [{ sku_order_id: skuOrderId, aftersale_item_num: r.qty }] },
    };
  },
  route(req, store) {
    if (req.method !== 'POST' || req.path !== '/afterSale/List') return undefined;
    const params = new ApiParams(req);
    try {
      const page = params.int('page', 0, 0, 100_000);
      const size = params.int('size', 10, 1, PAGE_MAX);
      const from = params.time('update_start_time');
      const to = params.time('update_end_time');
      if (to < from) throw new ParamError('update_end_time', 'must not be before update_start_time');
      const all = store.modifiedWithin(from, to);
      const items = offsetPage(all, page, size, 0).map((o) => o.payload);
      return { status: 200, body: { code: 10000, msg: 'success', data: { items, total: all.length, page, size } } };
    } catch (error) {
      if (error instanceof ParamError) return { status: 200, body: { code: 40004, msg: `参数错误: ${error.message}`, sub_code: 'isv.parameter-invalid' } };
      throw error;
    }
  },
};
