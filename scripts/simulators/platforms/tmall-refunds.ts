import { formatChinaTime } from '../../../workers/ingest/connectors/china-clock.ts';
import type { ApiResponse } from './api-server.ts';
import { ApiParams, ParamError, offsetPage } from './api-params.ts';
import { basketOf, fenToYuan } from './demo-basket.ts';
import type { AftersaleFormat, SimAftersaleStatus } from './platform-aftersales.ts';

/** A TOP refund as `taobao.refunds.receive.get` returns it (the fields the connector reads, and a few more). */
export interface TmallRefund {
  refund_id: string;
  tid: number;
  oid: number;
  /** `WAIT_SELLER_AGREE`, `WAIT_BUYER_RETURN_GOODS`, `WAIT_SELLER_CONFIRM_GOODS`, `SELLER_REFUSE_BUYER`, `CLOSED`, `SUCCESS`. */
  status: string;
  has_good_return: boolean;
  good_status: 'BUYER_NOT_RECEIVED' | 'BUYER_RECEIVED' | 'BUYER_RETURNED_GOODS';
  refund_fee: string;
  total_fee: string;
  payment: string;
  num: number;
  outer_id: string;
  title: string;
  reason: string;
  desc: string;
  buyer_nick: string;
  created: string;
  modified: string;
  /** The buyer's return parcel: carrier and waybill number. */
  company_name?: string;
  sid?: string;
}

const STATUS: Record<SimAftersaleStatus, string> = {
  requested: 'WAIT_SELLER_AGREE',
  agreed: 'WAIT_BUYER_RETURN_GOODS',
  returned: 'WAIT_SELLER_CONFIRM_GOODS',
  rejected: 'SELLER_REFUSE_BUYER',
  closed: 'CLOSED',
  success: 'SUCCESS',
};
const METHOD = 'taobao.refunds.receive.get';
const PAGE_MAX = 100;
const DAY_MS = 24 * 3600_000;

/**
 * Tmall's refunds, `GET /router/rest?method=taobao.refunds.receive.get`: `start_modified`,
 * `end_modified` (China time, both included, at most a day apart), `page_no` from 1, `page_size` at
 * most 100; one refund per sub-order (`oid`), amounts in yuan text, as TOP writes them.
 */
export const TMALL_REFUNDS: AftersaleFormat<TmallRefund> = {
  render(r) {
    const basket = basketOf(r.orderSeq);
    const line = basket.lines[r.lineIndex]!;
    return {
      refund_id: r.id,
      tid: r.orderSeq,
      oid: r.orderSeq * 10 + r.lineIndex,
      status: STATUS[r.status],
      has_good_return: r.type === 'return_refund',
      good_status: r.status === 'returned' || (r.type === 'return_refund' && r.status === 'success') ? 'BUYER_RETURNED_GOODS' : 'BUYER_RECEIVED',
      refund_fee: fenToYuan(r.refundFen),
      total_fee: fenToYuan(line.unitFen * line.qty),
      payment: fenToYuan(basket.paidFen),
      num: r.qty,
      outer_id: line.sku,
      title: line.title,
      reason: r.reason,
      desc: '',
      buyer_nick: `tb_${basket.buyer}`,
      created: formatChinaTime(r.createdMs),
      modified: formatChinaTime(r.modifiedMs),
      ...(r.returnWaybill ? { company_name: r.returnWaybill.company, sid: r.returnWaybill.waybill } : {}),
    };
  },
  route(req, store) {
    if (req.path !== '/router/rest' || req.query.get('method') !== METHOD) return undefined;
    try {
      // Inside the try: JD's 360buy_param_json that is not JSON is a ParamError, answered as one.
      const params = new ApiParams(req);
      const pageNo = params.int('page_no', 1, 1, 100_000);
      const pageSize = params.int('page_size', 40, 1, PAGE_MAX);
      const from = params.time('start_modified');
      const to = params.time('end_modified');
      if (to < from) throw new ParamError('end_modified', 'must not be before start_modified');
      if (to - from > DAY_MS) throw new ParamError('end_modified', 'must be within one day of start_modified');
      const all = store.modifiedWithin(from, to);
      const page = offsetPage(all, pageNo, pageSize).map((o) => o.payload);
      return ok({ total_results: all.length, has_next: pageNo * pageSize < all.length, ...(page.length ? { refunds: { refund: page } } : {}) });
    } catch (error) {
      if (error instanceof ParamError) return { status: 200, body: { error_response: { code: 41, msg: 'Invalid arguments', sub_code: `isv.invalid-parameter:${error.message}` } } };
      throw error;
    }
  },
};

function ok(body: Record<string, unknown>): ApiResponse {
  return { status: 200, body: { refunds_receive_get_response: { ...body, request_id: Math.random().toString(36).slice(2, 14) } } };
}
