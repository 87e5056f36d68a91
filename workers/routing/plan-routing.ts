import { planRoute, type RouteLine, type RouteOrder, type RouteReason } from './plan-route.ts';
import type { CompiledRoutingRules } from './routing-rules.ts';

/** An order waiting for routing. */
export interface OrderToRoute extends RouteOrder {
  /** Orders with the same key may share an open shipment (per warehouse); null ships alone. */
  mergeKey: string | null;
  /** Why its address cannot be delivered to (see `addressProblem`): it is held, not routed. */
  addressProblem?: string;
}

/** A shipment with no waybill yet that orders of its merge key may join. */
export interface OpenShipment {
  id: string;
  mergeKey: string;
  warehouse: string;
}

/** One shipment of a routed order: new, or an open one of its merge key it joins. */
export interface OrderShipment {
  shipmentId: string;
  warehouse: string;
  lines: readonly RouteLine[];
}

export type RoutedOrder =
  | { orderId: string; outcome: 'routed'; warehouse: string; shipments: OrderShipment[]; reason: RouteReason }
  | { orderId: string; outcome: 'backorder'; detail: string; reason: RouteReason }
  | { orderId: string; outcome: 'bad_address'; detail: string };

export interface RoutingPlan {
  orders: RoutedOrder[];
  /** Shipments this plan opens: each belongs to the order that opened it. */
  newShipments: { id: string; orderId: string; warehouse: string; mergeKey: string | null }[];
  /** Quantity to reserve per `sku|warehouse`. */
  reserve: Map<string, number>;
}

/**
 * Routes a batch: orders in turn, each planned by `planRoute` against the stock the orders
 * before it left (so the batch never takes stock below zero), each shipment joining the open
 * shipment of its merge key in that warehouse or opening one (`ORDER#n`) that later orders of
 * the batch may join; each new parcel takes one of its warehouse's parcels left today. An order
 * with an undeliverable address is held (`bad_address`) and takes no stock. Pure.
 *
 * @example
 * planRouting([{ orderId: 'shop:1', lines, address, mergeKey: null }], new Map([['TEA|suzhou', 5]]), [], rules)
 * // orders: [{ orderId: 'shop:1', outcome: 'routed', warehouse: 'suzhou', shipments: [{ shipmentId: 'shop:1#1', ... }] }]
 */
export function planRouting(
  orders: readonly OrderToRoute[],
  stock: ReadonlyMap<string, number>,
  open: readonly OpenShipment[],
  rules: CompiledRoutingRules,
  parcelsLeftToday: ReadonlyMap<string, number> = new Map(),
): RoutingPlan {
  const available = new Map(stock);
  const parcelsLeft = new Map(parcelsLeftToday);
  const openByKey = new Map(open.map((s) => [`${s.mergeKey}|${s.warehouse}`, s.id]));
  const plan: RoutingPlan = { orders: [], newShipments: [], reserve: new Map() };
  for (const order of orders) {
    if (order.addressProblem !== undefined) {
      plan.orders.push({ orderId: order.orderId, outcome: 'bad_address', detail: order.addressProblem });
      continue;
    }
    const route = planRoute(order, available, rules, parcelsLeft);
    if (route.kind === 'backorder') {
      plan.orders.push({ orderId: order.orderId, outcome: 'backorder', detail: route.detail, reason: route.reason });
      continue;
    }
    const shipments = route.shipments.map((s, i): OrderShipment => {
      for (const line of s.lines) {
        const key = `${line.sku}|${s.warehouse}`;
        available.set(key, (available.get(key) ?? 0) - line.qty);
        plan.reserve.set(key, (plan.reserve.get(key) ?? 0) + line.qty);
      }
      const mergeSlot = order.mergeKey === null ? undefined : `${order.mergeKey}|${s.warehouse}`;
      let shipmentId = mergeSlot === undefined ? undefined : openByKey.get(mergeSlot);
      if (shipmentId === undefined) {
        shipmentId = `${order.orderId}#${i + 1}`;
        // A new parcel counts against its warehouse's day; joining an open one does not.
        if (parcelsLeft.has(s.warehouse)) parcelsLeft.set(s.warehouse, parcelsLeft.get(s.warehouse)! - 1);
        plan.newShipments.push({ id: shipmentId, orderId: order.orderId, warehouse: s.warehouse, mergeKey: order.mergeKey });
        if (mergeSlot !== undefined) openByKey.set(mergeSlot, shipmentId);
      }
      return { shipmentId, warehouse: s.warehouse, lines: s.lines };
    });
    plan.orders.push({ orderId: order.orderId, outcome: 'routed', warehouse: shipments[0]!.warehouse, shipments, reason: route.reason });
  }
  return plan;
}
