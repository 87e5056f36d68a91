import type { OrderDetail } from '../sql/queries/orders.ts';
import { formatYuan } from '../streams/money.ts';
import { shownAddress } from './masked-payload.ts';
import { timeJson, timeText } from './time-display.ts';
import { explain, type PriceResult } from '../workers/pricing/engine/index.ts';
import type { RouteReason } from '../workers/routing/plan-route.ts';

/** The JSON `ordersurge order show --json` prints: amounts in fen, times as ISO-8601. */
export function orderView(detail: OrderDetail) {
  const { order } = detail;
  const at = (type: string) => detail.events.find((e) => e.type === type)?.at;
  const paidAt = order.paid_at ?? order.placed_at;
  const waybilledAt = at('waybilled');
  return {
    id: order.id,
    channel: order.channel,
    externalId: order.external_id,
    status: order.status,
    channelStatus: order.channel_status,
    refundStatus: order.refund_status,
    exception: order.exception_type ? { type: order.exception_type, detail: order.exception_detail } : null,
    warehouse: order.warehouse,
    placedAt: iso(order.placed_at),
    paidAt: order.paid_at ? iso(order.paid_at) : null,
    buyer: order.buyer,
    address: shownAddress(order.address),
    paymentMethod: order.payment_method,
    amounts: {
      goods: order.goods_fen,
      discount: order.discount_fen,
      platformDiscount: order.platform_discount_fen,
      shopDiscount: order.shop_discount_fen,
      shipping: order.shipping_fen,
      paid: order.paid_fen,
    },
    lines: detail.lines.map((l) => ({
      lineId: l.line_id,
      sku: l.sku,
      title: l.title,
      qty: l.qty,
      unitPrice: l.unit_price_fen,
      payable: l.payable_fen,
      gift: l.gift,
    })),
    reservations: detail.reservations.map((r) => ({ lineId: r.line_id, sku: r.sku, warehouse: r.warehouse, shipment: r.shipment_id, qty: r.qty, status: r.status })),
    /** Where routing sent the order and why: each warehouse considered and what was found there. */
    routing: detail.routing ? { ruleVersion: detail.routing.rule_version, outcome: detail.routing.outcome, routedAt: iso(detail.routing.routed_at), reason: detail.routing.reason as RouteReason } : null,
    shipments: detail.shipments.map((s) => ({ id: s.id, warehouse: s.warehouse, waybillNo: s.waybill_no, carrier: s.carrier, orders: s.order_ids ?? [order.id] })),
    notifications: detail.notifications.map((n) => ({ kind: n.kind, providerMessageId: n.provider_message_id, sentAt: iso(n.sent_at) })),
    /** How the payable amount came about: the rule engine's trace, or the platform's discounts by line. */
    pricing: detail.pricing
      ? { method: detail.pricing.method, ruleSetVersion: detail.pricing.rule_set_version, payable: detail.pricing.payable_fen, pricedAt: iso(detail.pricing.priced_at), result: detail.pricing.result }
      : null,
    events: detail.events.map((e) => ({ type: e.type, at: iso(e.at), detail: e.detail })),
    /** Paid to waybill, the processing-time KPI; null until the order has a waybill. */
    processingSeconds: waybilledAt ? (waybilledAt.getTime() - new Date(paidAt).getTime()) / 1000 : null,
  };
}

export type OrderView = ReturnType<typeof orderView>;

/** The same, for people. */
export function formatOrder(view: OrderView): string {
  const out = [
    `${view.id}  ${view.status}${view.exception ? ` (${view.exception.type}: ${view.exception.detail})` : ''}`,
    `channel status ${view.channelStatus}, refund ${view.refundStatus}, ${view.paymentMethod}, warehouse ${view.warehouse ?? '-'}`,
    `placed ${timeText(view.placedAt)}, paid ${view.paidAt ? timeText(view.paidAt) : '-'}`,
    '',
    'lines (yuan):',
    ...view.lines.map((l) => `  ${l.lineId.padEnd(12)} ${l.sku.padEnd(16)} x${String(l.qty).padEnd(4)} @ ${formatYuan(l.unitPrice).padStart(10)}${l.gift ? '  gift' : ''}  ${l.title}`),
    '',
    `goods ${formatYuan(view.amounts.goods)} - discount ${formatYuan(view.amounts.discount)} + shipping ${formatYuan(view.amounts.shipping)} = paid ${formatYuan(view.amounts.paid)}`,
  ];
  if (view.pricing) out.push('', ...pricingLines(view.pricing));
  if (view.routing) out.push('', ...routingLines(view.routing));
  if (view.shipments.length) out.push('', ...view.shipments.map((s) => `shipment ${s.id} from ${s.warehouse}: waybill ${s.waybillNo ?? '(pending)'}${s.orders.length > 1 ? ` (merged: ${s.orders.join(', ')})` : ''}`));
  out.push('', 'events:', ...view.events.map((e) => `  ${timeText(e.at)}  ${e.type}`));
  if (view.processingSeconds !== null) out.push('', `processing time (paid -> waybill): ${view.processingSeconds.toFixed(1)} s`);
  return out.join('\n');
}

function routingLines(routing: NonNullable<OrderView['routing']>): string[] {
  const { reason } = routing;
  return [
    `routed by rules v${routing.ruleVersion ?? '-'} (region ${reason.region}): ${reason.decision}`,
    ...reason.considered.map((c) => `  ${c.warehouse.padEnd(10)} ${c.verdict.padEnd(10)} ${c.detail}`),
  ];
}

function pricingLines(pricing: NonNullable<OrderView['pricing']>): string[] {
  switch (pricing.method) {
    case 'engine':
      return [`priced by rule set v${pricing.ruleSetVersion}:`, explain(pricing.result as PriceResult)];
    case 'platform': {
      const result = pricing.result as { lines?: { lineId: string; listAmount: number; platformFunded: number; shopFunded: number; payable: number }[] };
      return [
        'priced by the platform; its discounts apportioned to lines:',
        '  line          list      platform-funded  shop-funded   payable',
        ...(result.lines ?? []).map(
          (l) => `  ${l.lineId.padEnd(12)} ${formatYuan(l.listAmount).padStart(9)} ${formatYuan(l.platformFunded).padStart(16)} ${formatYuan(l.shopFunded).padStart(12)} ${formatYuan(l.payable).padStart(9)}`,
        ),
      ];
    }
    case 'check':
      return ['no rule set yet: the amounts were checked to add up, not priced by promotions'];
    default:
      return [];
  }
}

function iso(value: Date | string): string {
  return timeJson(value);
}
