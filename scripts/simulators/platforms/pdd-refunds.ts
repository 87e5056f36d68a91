import { formatChinaTime } from '../../../workers/ingest/connectors/china-clock.ts';
import { ApiParams, ParamError, offsetPage } from './api-params.ts';
import { basketOf } from './demo-basket.ts';
import type { AftersaleFormat, SimAftersaleStatus } from './platform-aftersales.ts';

/** A Pinduoduo after-sale as `pdd.refund.list.increment.get` lists it; `refund_amount` in fen. */
export interface PddRefund {
  id: number;
  order_sn: string;
  /** 2 仅退款, 3 退货退款, 4 换货. */
  after_sales_type: 2 | 3 | 4;
  /** 2 待商家处理 (refund only), 3 退货退款待商家处理, 7 已同意退货退款待用户发货, 6 驳回退款, 11 买家撤销, 10 退款成功. */
  after_sales_status: number;
  refund_amount: number;
  sku_id: number;
  goods_name: string;
  goods_number: number;
  after_sale_reason: string;
  created_time: string;
  updated_time: string;
  /** The buyer's return parcel, once sent (status 7 with a tracking number: on its way back). */
  tracking_number?: string;
  shipping_name?: string;
}

const STATUS: Record<SimAftersaleStatus, number> = { requested: 0, agreed: 7, returned: 7, rejected: 6, closed: 11, success: 10 };
const METHOD = 'pdd.refund.list.increment.get';
const PAGE_MAX = 100;
const MAX_WINDOW_MS = 30 * 60_000;

/**
 * Pinduoduo `POST /api/router` with `type` `pdd.refund.list.increment.get`: `start_updated_at`,
 * `end_updated_at` (epoch seconds, both included, at most 30 minutes apart), `page` from 1,
 * `page_size` at most 100. Answers `{refund_increment_get_response: {total_count, refund_list}}`.
 */
export const PDD_REFUNDS: AftersaleFormat<PddRefund> = {
  render(r) {
    const line = basketOf(r.orderSeq).lines[r.lineIndex]!;
    const requested = r.type === 'return_refund' ? 3 : 2;
    return {
      id: Number(r.id),
      order_sn: r.orderExternalId,
      after_sales_type: r.type === 'return_refund' ? 3 : 2,
      after_sales_status: r.status === 'requested' ? requested : STATUS[r.status],
      refund_amount: r.refundFen,
      sku_id: 1_234_567_800_000 + r.lineIndex,
      goods_name: line.title,
      goods_number: r.qty,
      after_sale_reason: r.reason,
      created_time: formatChinaTime(r.createdMs),
      updated_time: formatChinaTime(r.modifiedMs),
      ...(r.returnWaybill ? { shipping_name: r.returnWaybill.company, tracking_number: r.returnWaybill.waybill } : {}),
    };
  },
  route(req, store) {
    if (req.method !== 'POST' || req.path !== '/api/router') return undefined;
    const params = new ApiParams(req);
    if (!params.has('type') || params.text('type') !== METHOD) return undefined;
    try {
      const page = params.int('page', 1, 1, 100_000);
      const pageSize = params.int('page_size', 100, 1, PAGE_MAX);
      const from = params.time('start_updated_at');
      const to = params.time('end_updated_at');
      if (to < from) throw new ParamError('end_updated_at', 'must not be before start_updated_at');
      if (to - from > MAX_WINDOW_MS) throw new ParamError('end_updated_at', 'must be within 30 minutes of start_updated_at');
      const all = store.modifiedWithin(from, to);
      const list = offsetPage(all, page, pageSize).map((o) => o.payload);
      return { status: 200, body: { refund_increment_get_response: { total_count: all.length, refund_list: list } } };
    } catch (error) {
      if (error instanceof ParamError) return { status: 200, body: { error_response: { error_code: 10000, error_msg: `参数错误: ${error.message}`, sub_msg: error.message } } };
      throw error;
    }
  },
};
