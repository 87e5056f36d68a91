import type { TicketLink } from '../sql/queries/aftersales.ts';
import type { InvoiceRow } from '../sql/queries/invoices.ts';
import type { OrderDetail } from '../sql/queries/orders.ts';
import { formatYuan } from '../streams/money.ts';
import stringWidth from 'string-width';
import { shownAddress } from './masked-payload.ts';
import { cell, TEXT_WIDTH, wrapLines } from './text-cell.ts';
import { timeJson, timeText } from './time-display.ts';
import { explain, type PriceResult } from '../workers/pricing/engine/index.ts';
import type { RouteReason } from '../workers/routing/plan-route.ts';

/**
 * The JSON `ordersurge order show --json` prints: amounts in fen, times as ISO-8601. `tickets`:
 * the after-sales tickets the order is part of (opened on it, or the exchange it replaces);
 * `invoices`: its electronic invoices (blue, and red once reversed).
 */
export function orderView(detail: OrderDetail, tickets: readonly TicketLink[] = [], invoices: readonly InvoiceRow[] = []) {
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
    shipments: detail.shipments.map((s) => ({ id: s.id, warehouse: s.warehouse, pickTask: s.pick_task_id, pickStatus: s.pick_status, waybillNo: s.waybill_no, carrier: s.carrier, orders: s.order_ids ?? [order.id] })),
    notifications: detail.notifications.map((n) => ({ kind: n.kind, providerMessageId: n.provider_message_id, sentAt: iso(n.sent_at) })),
    /** How the payable amount came about: the rule engine's trace, or the platform's discounts by line. */
    pricing: detail.pricing
      ? { method: detail.pricing.method, ruleSetVersion: detail.pricing.rule_set_version, payable: detail.pricing.payable_fen, pricedAt: iso(detail.pricing.priced_at), result: detail.pricing.result }
      : null,
    events: detail.events.map((e) => ({ type: e.type, at: iso(e.at), detail: e.detail })),
    /** After-sales tickets opened on the order, and the exchange whose replacement it is. */
    aftersales: tickets.map((t) => ({ ticket: t.ticket, type: t.type, state: t.state, orderId: t.orderId, replacementOrderId: t.replacementOrderId })),
    /** Electronic invoices (电子发票): blue, and red (冲红) once a full refund reversed it; amounts in signed fen. */
    invoices: invoices.map((i) => ({ kind: i.kind, invoiceNo: i.invoice_no, title: i.title, taxNo: i.tax_no, amount: Number(i.amount_fen), requestedAt: iso(i.requested_at) })),
    /** Paid to waybill, the processing-time KPI; null until the order has a waybill. */
    processingSeconds: waybilledAt ? (waybilledAt.getTime() - new Date(paidAt).getTime()) / 1000 : null,
  };
}

export type OrderView = ReturnType<typeof orderView>;

/**
 * The same, for people: amounts in yuan, times in the display zone with the offset, every table
 * within 80 columns (a line's title shortened; the exception detail wrapped whole).
 */
export function formatOrder(view: OrderView): string {
  const out = [
    `${view.id}  ${view.status}`,
    ...(view.exception ? wrapLines(`${view.exception.type}: ${view.exception.detail ?? ''}`, TEXT_WIDTH, '  ') : []),
    `channel status ${view.channelStatus}, refund ${view.refundStatus}, ${view.paymentMethod}, warehouse ${view.warehouse ?? '-'}`,
    `placed ${timeText(view.placedAt)}, paid ${view.paidAt ? timeText(view.paidAt) : '-'}`,
    '',
    'lines (yuan):',
    ...orderLines(view.lines),
    '',
    `goods ${formatYuan(view.amounts.goods)} - discount ${formatYuan(view.amounts.discount)} + shipping ${formatYuan(view.amounts.shipping)} = paid ${formatYuan(view.amounts.paid)}`,
  ];
  if (view.pricing) out.push('', ...pricingLines(view.pricing));
  if (view.routing) out.push('', ...routingLines(view.routing));
  for (const s of view.shipments) {
    out.push('', ...wrapLines(`shipment ${s.id} from ${s.warehouse}: pick ${s.pickTask === null ? '(pending)' : `${s.pickTask} (${s.pickStatus})`}, waybill ${s.waybillNo ?? '(pending)'}${s.orders.length > 1 ? ` (merged: ${s.orders.join(', ')})` : ''}`));
  }
  const tickets = (view as Partial<OrderView>).aftersales ?? [];
  if (tickets.length > 0) out.push('', 'after-sales:', ...tickets.map((t) => `  ${ticketLine(view.id, t)}`));
  const invoices = (view as Partial<OrderView>).invoices ?? [];
  if (invoices.length > 0) out.push('', 'invoices (yuan):', ...invoices.flatMap((i) => wrapLines(`${i.kind.padEnd(4)} ${i.invoiceNo}  ${formatYuan(i.amount).padStart(9)}  ${timeText(i.requestedAt)}  ${i.title}${i.taxNo ? ` (${i.taxNo})` : ''}`, TEXT_WIDTH, '  ')));
  out.push('', 'events:', ...view.events.map((e) => `  ${timeText(e.at)}  ${e.type}`));
  if (view.processingSeconds !== null) out.push('', `processing time (paid -> waybill): ${view.processingSeconds.toFixed(1)} s`);
  return out.join('\n');
}

/** The order's lines, the title shortened to what is left of 80 columns. */
function orderLines(lines: OrderView['lines']): string[] {
  const id = Math.max(...lines.map((l) => l.lineId.length));
  const sku = Math.max(...lines.map((l) => l.sku.length));
  const qty = Math.max(...lines.map((l) => String(l.qty).length));
  return lines.map((l) => {
    const start = `  ${l.lineId.padEnd(id)}  ${l.sku.padEnd(sku)}  x${String(l.qty).padEnd(qty)} @ ${formatYuan(l.unitPrice).padStart(9)}${l.gift ? '  gift' : ''}  `;
    return `${start}${cell(l.title, Math.max(8, TEXT_WIDTH - stringWidth(start)))}`.trimEnd();
  });
}

/** One ticket the order is part of, from the order's side. */
function ticketLine(orderId: string, t: OrderView['aftersales'][number]): string {
  if (t.replacementOrderId === orderId) return `replacement of ${t.orderId} for exchange ticket ${t.ticket} (${t.state})`;
  return `ticket ${t.ticket} ${t.type} (${t.state})${t.replacementOrderId === null ? '' : `: replacement order ${t.replacementOrderId}`}`;
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
      const lines = result.lines ?? [];
      const id = Math.max(4, ...lines.map((l) => l.lineId.length));
      return [
        'priced by the platform; its discounts apportioned to lines (yuan):',
        `  ${cell('line', id)}  ${cell('list', 9, 'right')}  ${cell('platform-funded', 15, 'right')}  ${cell('shop-funded', 11, 'right')}  ${cell('payable', 9, 'right')}`,
        ...lines.map(
          (l) =>
            `  ${cell(l.lineId, id)}  ${cell(formatYuan(l.listAmount), 9, 'right')}  ${cell(formatYuan(l.platformFunded), 15, 'right')}  ${cell(formatYuan(l.shopFunded), 11, 'right')}  ${cell(formatYuan(l.payable), 9, 'right')}`,
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
