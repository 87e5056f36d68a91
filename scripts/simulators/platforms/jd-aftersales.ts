import { formatChinaTime } from '../../../workers/ingest/connectors/china-clock.ts';
import { ApiParams, ParamError, offsetPage } from './api-params.ts';
import { basketOf, fenToYuan } from './demo-basket.ts';
import type { AftersaleFormat, SimAftersaleStatus } from './platform-aftersales.ts';

/** A JD after-sale service order (服务单) as `jingdong.asc.query.list` lists it. */
export interface JdServiceOrder {
  serviceId: string;
  orderId: string;
  skuId: string;
  skuName: string;
  serviceCount: number;
  /** What the buyer wants: 10 退货 (return and refund), 40 仅退款 (refund only). */
  customerExpect: 10 | 40;
  /** 10001 待审核, 10002 待客户寄回, 10004 待商家收货, 10005 审核不通过, 10009 已取消, 10010 已完成. */
  serviceStatus: number;
  serviceStatusName: string;
  /** Yuan text, as JD writes amounts. */
  refundAmount: string;
  questionDesc: string;
  applyTime: string;
  updateTime: string;
  expressCompany?: string;
  expressCode?: string;
}

const STATUS: Record<SimAftersaleStatus, [number, string]> = {
  requested: [10001, '待审核'],
  agreed: [10002, '待客户寄回'],
  returned: [10004, '待商家收货'],
  rejected: [10005, '审核不通过'],
  closed: [10009, '已取消'],
  success: [10010, '已完成'],
};
const METHOD = 'jingdong.asc.query.list';
const PAGE_MAX = 100;

/**
 * JD's after-sale service orders, `GET /routerjson?method=jingdong.asc.query.list`:
 * `updateTimeBegin`, `updateTimeEnd` (China time, both included), `pageNumber` from 1, `pageSize` at
 * most 100 (inside `360buy_param_json` when signed); one service order per SKU line.
 */
export const JD_AFTERSALES: AftersaleFormat<JdServiceOrder> = {
  render(r) {
    const line = basketOf(r.orderSeq).lines[r.lineIndex]!;
    const [serviceStatus, serviceStatusName] = STATUS[r.status];
    return {
      serviceId: r.id,
      orderId: r.orderExternalId,
      skuId: String(100_000_000_000 + r.lineIndex),
      skuName: line.title,
      serviceCount: r.qty,
      customerExpect: r.type === 'return_refund' ? 10 : 40,
      serviceStatus,
      serviceStatusName,
      refundAmount: fenToYuan(r.refundFen),
      questionDesc: r.reason,
      applyTime: formatChinaTime(r.createdMs),
      updateTime: formatChinaTime(r.modifiedMs),
      ...(r.returnWaybill ? { expressCompany: r.returnWaybill.company, expressCode: r.returnWaybill.waybill } : {}),
    };
  },
  route(req, store) {
    if (req.path !== '/routerjson' || req.query.get('method') !== METHOD) return undefined;
    try {
      // Inside the try: JD's 360buy_param_json that is not JSON is a ParamError, answered as one.
      const params = new ApiParams(req);
      const from = params.time('updateTimeBegin');
      const to = params.time('updateTimeEnd');
      if (to < from) throw new ParamError('updateTimeEnd', 'must not be before updateTimeBegin');
      const page = params.int('pageNumber', 1, 1, 100_000);
      const pageSize = params.int('pageSize', 20, 1, PAGE_MAX);
      const all = store.modifiedWithin(from, to);
      const list = offsetPage(all, page, pageSize).map((o) => o.payload);
      return { status: 200, body: { jingdong_asc_query_list_responce: { code: '0', pageResult: { success: true, totalCount: all.length, data: list } } } };
    } catch (error) {
      if (error instanceof ParamError) return { status: 200, body: { error_response: { code: '61', zh_desc: `参数错误: ${error.message}`, en_desc: `invalid parameter: ${error.message}` } } };
      throw error;
    }
  },
};
