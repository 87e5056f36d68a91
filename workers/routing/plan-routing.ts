import { chooseWarehouse, type RouteLine } from './choose-warehouse.ts';

/** An order waiting for routing, as read under its row lock. */
export interface OrderToRoute {
  orderId: string;
  lines: readonly RouteLine[];
  /** Orders with the same key may share an open shipment; null ships alone. */
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

export type RoutedOrder =
  | { orderId: string; outcome: 'routed'; warehouse: string; shipmentId: string; lines: readonly RouteLine[] }
  | { orderId: string; outcome: 'backorder'; detail: string }
  | { orderId: string; outcome: 'bad_address'; detail: string };

export interface RoutingPlan {
  orders: RoutedOrder[];
  /** Shipments this plan opens: the first order of each has its id. */
  newShipments: { id: string; orderId: string; warehouse: string; mergeKey: string | null }[];
  /** Quantity to reserve per `sku|warehouse`. */
  reserve: Map<string, number>;
}

/**
 * Routes a batch against the stock it locked: orders in turn, each taking its whole quantity
 * from the first warehouse that can fill it (all or nothing, so available never goes below 0),
 * else a backorder; a routed order joins the open shipment of its merge key in that warehouse,
 * or opens one that later orders of the batch may join. An order with an undeliverable address is
 * held (`bad_address`) and takes no stock. Pure: the caller holds the locks.
 *
 * @example
 * planRouting([{ orderId: 'shop:1', lines: [{ lineId: '1', sku: 'TEA', qty: 2 }], mergeKey: null }],
 *   new Map([['TEA|suzhou', 5]]), [], ['suzhou'])
 * // orders: [{ orderId: 'shop:1', outcome: 'routed', warehouse: 'suzhou', shipmentId: 'shop:1#1', ... }]
 */
export function planRouting(
  orders: readonly OrderToRoute[],
  stock: ReadonlyMap<string, number>,
  open: readonly OpenShipment[],
  warehouses: readonly string[],
): RoutingPlan {
  const available = new Map(stock);
  const openByKey = new Map(open.map((s) => [`${s.mergeKey}|${s.warehouse}`, s.id]));
  const plan: RoutingPlan = { orders: [], newShipments: [], reserve: new Map() };
  for (const order of orders) {
    if (order.addressProblem !== undefined) {
      plan.orders.push({ orderId: order.orderId, outcome: 'bad_address', detail: order.addressProblem });
      continue;
    }
    const decision = chooseWarehouse(order.lines, available, warehouses);
    if (!decision.ok) {
      plan.orders.push({ orderId: order.orderId, outcome: 'backorder', detail: decision.detail });
      continue;
    }
    const { warehouse } = decision;
    for (const line of order.lines) {
      const key = `${line.sku}|${warehouse}`;
      available.set(key, (available.get(key) ?? 0) - line.qty);
      plan.reserve.set(key, (plan.reserve.get(key) ?? 0) + line.qty);
    }
    const mergeSlot = order.mergeKey === null ? undefined : `${order.mergeKey}|${warehouse}`;
    let shipmentId = mergeSlot === undefined ? undefined : openByKey.get(mergeSlot);
    if (shipmentId === undefined) {
      shipmentId = `${order.orderId}#1`;
      plan.newShipments.push({ id: shipmentId, orderId: order.orderId, warehouse, mergeKey: order.mergeKey });
      if (mergeSlot !== undefined) openByKey.set(mergeSlot, shipmentId);
    }
    plan.orders.push({ orderId: order.orderId, outcome: 'routed', warehouse, shipmentId, lines: order.lines });
  }
  return plan;
}
