import { formatChinaTime } from '../../../workers/ingest/connectors/china-clock.ts';
import type { ApiResponse } from './api-server.ts';
import { ApiParams, ParamError, offsetPage } from './api-params.ts';
import { basketOf, fenToYuan, maskedNumber, movedDetail, virtualNumber } from './demo-basket.ts';
import type { PlatformDefinition } from './platform-simulator.ts';
import { JD_AFTERSALES } from './jd-aftersales.ts';

/** A JD POP order as `jingdong.pop.order.search` lists it. */
export interface JdOrder {
  orderId: string;
  orderState: 'NOT_PAY' | 'WAIT_SELLER_STOCK_OUT' | 'LOCKED' | 'TRADE_CANCELED';
  orderStartTime: string;
  paymentConfirmTime?: string;
  modified: string;
  orderTotalPrice: string;
  orderSellerPrice: string;
  orderPayment: string;
  freightPrice: string;
  sellerDiscount: string;
  payType: string;
  pin: string;
  orderRemark: string;
  venderRemark: string;
  consigneeInfo: { fullname: string; mobile: string; virtualMobile: string; telephone: string; province: string; city: string; county: string; town: string; fullAddress: string };
  itemInfoList: { skuId: string; outerSkuId: string; skuName: string; jdPrice: string; itemTotal: string }[];
  couponDetailList: { skuId: string; couponType: string; couponPrice: string }[];
}

const PAGE_MAX = 100;
const SEARCH = 'jingdong.pop.order.search';
/** `dateType` of the search: which time `start_date` / `end_date` bound. */
const BY_MODIFIED = 0;
const BY_CREATED = 1;

/**
 * JD through its gateway `GET /routerjson?method=jingdong.pop.order.search`: `start_date`,
 * `end_date` ("yyyy-MM-dd HH:mm:ss", both included), `dateType` 0 by modified time or 1 by
 * creation time, `page` (from 1) and `page_size` (at most 100). The answer's envelope keeps JD's
 * own spelling, `..._responce`.
 */
export const JD: PlatformDefinition<JdOrder> = {
  channel: 'jd',
  create(seq, { createdMs, modifiedMs }) {
    const basket = basketOf(seq);
    const order: JdOrder = {
      orderId: String(seq),
      orderState: basket.unpaid ? 'NOT_PAY' : 'WAIT_SELLER_STOCK_OUT',
      orderStartTime: formatChinaTime(createdMs),
      ...(basket.unpaid ? {} : { paymentConfirmTime: formatChinaTime(createdMs) }),
      modified: formatChinaTime(modifiedMs),
      orderTotalPrice: fenToYuan(basket.goodsFen),
      orderSellerPrice: fenToYuan(basket.goodsFen - basket.discountFen),
      orderPayment: fenToYuan(basket.paidFen),
      freightPrice: fenToYuan(basket.shippingFen),
      sellerDiscount: fenToYuan(basket.discountFen),
      payType: '4-在线支付',
      pin: `jd_${basket.buyer}`,
      orderRemark: '',
      venderRemark: '',
      consigneeInfo: {
        fullname: basket.address.receiver,
        // JD hands out masked phones only, and a privacy number that reaches the buyer.
        mobile: maskedNumber(basket.address.phone),
        virtualMobile: virtualNumber(seq),
        telephone: '',
        province: basket.address.province,
        city: basket.address.city,
        county: basket.address.district,
        town: '',
        fullAddress: `${basket.address.province}${basket.address.city}${basket.address.district}${basket.address.detail}`,
      },
      itemInfoList: basket.lines.map((line, i) => ({
        skuId: String(100_000_000_000 + i),
        outerSkuId: line.sku,
        skuName: line.title,
        jdPrice: fenToYuan(line.unitFen),
        itemTotal: String(line.qty),
      })),
      couponDetailList: basket.discountFen ? [{ skuId: String(100_000_000_000), couponType: '100-店铺优惠', couponPrice: fenToYuan(basket.discountFen) }] : [],
    };
    return { externalId: order.orderId, payload: order };
  },
  update({ seq, payload: order }, kind, atMs) {
    const modified = formatChinaTime(atMs);
    const open = order.orderState === 'NOT_PAY' || order.orderState === 'WAIT_SELLER_STOCK_OUT';
    switch (kind) {
      case 'paid':
        return order.orderState === 'NOT_PAY' ? { ...order, orderState: 'WAIT_SELLER_STOCK_OUT', paymentConfirmTime: modified, modified } : undefined;
      case 'cancelled':
        return open ? { ...order, orderState: 'TRADE_CANCELED', venderRemark: '买家取消', modified } : undefined;
      case 'refunded':
        // JD locks an order while its refund is handled; the lock is what the seller sees first.
        return order.orderState === 'WAIT_SELLER_STOCK_OUT' ? { ...order, orderState: 'LOCKED', modified } : undefined;
      case 'readdressed': {
        const moved = `${order.consigneeInfo.province}${order.consigneeInfo.city}${order.consigneeInfo.county}${movedDetail(seq)}`;
        return open && order.consigneeInfo.fullAddress !== moved ? { ...order, consigneeInfo: { ...order.consigneeInfo, fullAddress: moved }, modified } : undefined;
      }
      default: {
        const never: never = kind;
        throw new Error(`unknown update ${String(never)}`);
      }
    }
  },
  route(req, { store, serve }) {
    if (req.path !== '/routerjson') return undefined;
    try {
      // Inside the try: a malformed 360buy_param_json is the caller's error, answered in JD's envelope, not a 500.
      const params = new ApiParams(req);
      const method = params.text('method');
      if (method !== SEARCH) return jdError('66', `方法不存在: ${method}`, `no such method: ${method}`);
      const from = params.time('start_date');
      const to = params.time('end_date');
      if (to < from) throw new ParamError('end_date', 'must not be before start_date');
      const dateType = params.int('dateType', BY_MODIFIED, BY_MODIFIED, BY_CREATED);
      const page = params.int('page', 1, 1, 100_000);
      const pageSize = params.int('page_size', 20, 1, PAGE_MAX);
      const all = dateType === BY_MODIFIED ? store.modifiedWithin(from, to) : store.createdWithin(from, to + 1);
      const orders = dateType === BY_MODIFIED ? serve(offsetPage(all, page, pageSize)) : offsetPage(all, page, pageSize).map((o) => ({ orderId: o.externalId }));
      return {
        status: 200,
        body: {
          jingdong_pop_order_search_responce: {
            code: '0',
            searchorderinfo_result: { apiResult: { success: true, resultCode: '0' }, orderTotal: all.length, orderInfoList: orders },
          },
        },
      };
    } catch (error) {
      if (error instanceof ParamError) return jdError('61', `参数错误: ${error.message}`, `invalid parameter: ${error.message}`);
      throw error;
    }
  },
  aftersales: JD_AFTERSALES,
  rateLimitedBody: () => ({ error_response: { code: '2', zh_desc: '限制时间内调用失败次数', en_desc: 'App Call Limited' } }),
};

function jdError(code: string, zh: string, en: string): ApiResponse {
  return { status: 200, body: { error_response: { code, zh_desc: zh, en_desc: en } } };
}
