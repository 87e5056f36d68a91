import { sql } from 'kysely';
import type { Db } from '../database.ts';

export interface RoutePlan {
  orderId: string;
  warehouse: string;
  lines: { lineId: string; sku: string; qty: number }[];
  /** Orders with the same key may share an open shipment; null ships alone. */
  mergeKey: string | null;
}

export type RouteOutcome =
  | { orderId: string; outcome: 'routed'; warehouse: string }
  | { orderId: string; outcome: 'backorder'; detail: string }
  /** No longer 'priced': a redelivery, or another worker got there first. */
  | { orderId: string; outcome: 'skipped' };

/**
 * Reserves stock and routes a batch of orders in one round trip (the `route_orders` function of
 * migrations 0002 and 0006): each order all or nothing, never taking available stock below zero,
 * merged into an open shipment of its merge key within the window.
 */
export async function routeOrders(db: Db, plans: readonly RoutePlan[], mergeWindowSeconds: number): Promise<RouteOutcome[]> {
  if (plans.length === 0) return [];
  const result = await sql<{ r_order_id: string; r_outcome: string; r_detail: string | null }>`
    select * from route_orders(${JSON.stringify(plans)}::jsonb, ${mergeWindowSeconds}::integer)`.execute(db);
  return result.rows.map((r): RouteOutcome => {
    switch (r.r_outcome) {
      case 'routed':
        return { orderId: r.r_order_id, outcome: 'routed', warehouse: r.r_detail ?? '' };
      case 'backorder':
        return { orderId: r.r_order_id, outcome: 'backorder', detail: r.r_detail ?? '' };
      case 'skipped':
        return { orderId: r.r_order_id, outcome: 'skipped' };
      default:
        throw new Error(`route_orders returned unknown outcome ${JSON.stringify(r.r_outcome)}`);
    }
  });
}
