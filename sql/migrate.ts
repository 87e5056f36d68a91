import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResult } from 'kysely';
import * as initial from './migrations/0001-initial.ts';
import * as routeOrders from './migrations/0002-route-orders.ts';
import * as pricingRules from './migrations/0003-pricing-rules.ts';
import * as connectorCursors from './migrations/0004-connector-cursors.ts';
import * as orderUpdates from './migrations/0005-order-updates.ts';
import * as mergedShipments from './migrations/0006-merged-shipments.ts';
import * as routingInTypescript from './migrations/0007-routing-in-typescript.ts';
import * as loyaltyPoints from './migrations/0009-loyalty-points.ts';
import * as kpiIndexes from './migrations/0010-kpi-indexes.ts';
import * as warehousesAndRoutingRules from './migrations/0011-warehouses-and-routing-rules.ts';
import * as reservationLedger from './migrations/0012-reservation-ledger.ts';
import * as stockNotifications from './migrations/0013-stock-notifications.ts';
import * as exceptionResolutions from './migrations/0014-exception-resolutions.ts';
import * as orderShop from './migrations/0015-order-shop.ts';
import * as shopAccounts from './migrations/0016-shop-accounts.ts';
import * as waybillInterceptions from './migrations/0020-waybill-interceptions.ts';
import * as shipmentsPerDay from './migrations/0021-shipments-per-day.ts';
import * as pickTasks from './migrations/0022-pick-tasks.ts';
import * as reservationsByShipment from './migrations/0023-reservations-by-shipment.ts';
import * as aftersalesTickets from './migrations/0030-aftersales-tickets.ts';
import * as settlements from './migrations/0031-settlements.ts';
import * as settlementLinesWithoutFileKey from './migrations/0032-settlement-lines-without-file-key.ts';
import * as invoices from './migrations/0033-invoices.ts';
import * as orderInvoiceRequest from './migrations/0034-order-invoice-request.ts';
import * as exchangeOrders from './migrations/0036-exchange-orders.ts';
import * as shippingRefunds from './migrations/0037-shipping-refunds.ts';
import * as platformAftersales from './migrations/0039-platform-aftersales.ts';

/** Migrations in order; the list is explicit so no file-system scan is needed at run time. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-route-orders': routeOrders,
  '0003-pricing-rules': pricingRules,
  '0004-connector-cursors': connectorCursors,
  '0005-order-updates': orderUpdates,
  '0006-merged-shipments': mergedShipments,
  '0007-routing-in-typescript': routingInTypescript,
  '0009-loyalty-points': loyaltyPoints,
  '0010-kpi-indexes': kpiIndexes,
  '0011-warehouses-and-routing-rules': warehousesAndRoutingRules,
  '0012-reservation-ledger': reservationLedger,
  '0013-stock-notifications': stockNotifications,
  '0014-exception-resolutions': exceptionResolutions,
  '0015-order-shop': orderShop,
  '0016-shop-accounts': shopAccounts,
  '0020-waybill-interceptions': waybillInterceptions,
  '0021-shipments-per-day': shipmentsPerDay,
  '0022-pick-tasks': pickTasks,
  '0023-reservations-by-shipment': reservationsByShipment,
  '0030-aftersales-tickets': aftersalesTickets,
  '0031-settlements': settlements,
  '0032-settlement-lines-without-file-key': settlementLinesWithoutFileKey,
  '0033-invoices': invoices,
  '0034-order-invoice-request': orderInvoiceRequest,
  '0036-exchange-orders': exchangeOrders,
  '0037-shipping-refunds': shippingRefunds,
  '0039-platform-aftersales': platformAftersales,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * Applies every pending migration. Kysely takes a lock, so workers starting together are safe.
 * Returns the names applied by this call (empty when the schema was current).
 */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  // Number ranges are reserved per piece of work, so a lower number may land after a higher one.
  const { error, results } = await new Migrator({ db, provider, allowUnorderedMigrations: true }).migrateToLatest();
  if (error) {
    const failed = results?.find((r: MigrationResult) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
