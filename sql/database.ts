import { Kysely, PostgresDialect, type ColumnType, type Generated } from 'kysely';
import pg from 'pg';
import type { AftersalesTables } from './aftersales-tables.ts';
import type { InvoiceTables } from './invoice-tables.ts';
import type { SettlementTables } from './settlement-tables.ts';
import type { PlatformAftersalesTables } from './platform-aftersales-tables.ts';
import type { Address } from '../streams/canonical-order.ts';
import type { OrderStatus } from '../streams/pipeline.ts';

// bigint columns hold fen and versions, all far below 2^53: read them as numbers, and refuse
// anything a number cannot hold exactly.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${value} exceeds the safe integer range`);
  return n;
});

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export { ORDER_STATUSES, type OrderStatus } from '../streams/pipeline.ts';

export interface OrdersTable {
  id: string;
  channel: string;
  /** The shop account's code (`shop_accounts.code`); filled with the channel when an insert leaves it out. */
  shop: Generated<string>;
  external_id: string;
  status: OrderStatus;
  channel_status: string;
  refund_status: string;
  version: number;
  placed_at: Timestamp;
  paid_at: Timestamp | null;
  channel_updated_at: Timestamp;
  buyer: string;
  address: Json<Address>;
  payment_method: string;
  goods_fen: number;
  discount_fen: number;
  platform_discount_fen: number | null;
  shop_discount_fen: number | null;
  shipping_fen: number;
  paid_fen: number;
  coupons: Json<string[]>;
  buyer_message: string;
  seller_memo: string;
  /** The invoice title and taxpayer number the buyer asked for (migration 0034); null: none, an individual's invoice. */
  invoice_title: Generated<string | null>;
  invoice_tax_no: Generated<string | null>;
  raw: Json<unknown>;
  warehouse: string | null;
  exception_type: string | null;
  exception_detail: string | null;
  /** Deliveries older than the stored version: ignored, and counted here. */
  stale_updates: Generated<number>;
  created_at: Generated<Date>;
  modified_at: Generated<Date>;
}

export interface OrderLinesTable {
  order_id: string;
  line_id: string;
  sku: string;
  platform_sku_id: string;
  title: string;
  qty: number;
  unit_price_fen: number;
  payable_fen: number | null;
  refund_status: string;
  gift: boolean;
}

export interface OrderEventsTable {
  id: Generated<number>;
  order_id: string;
  key: string;
  type: string;
  at: Generated<Date>;
  detail: ColumnType<unknown, string | undefined, string>;
}

export interface WarehousesTable {
  code: string;
  name: string;
  province_code: string;
  active: Generated<boolean>;
  /** Carrier codes this warehouse ships with. */
  carriers: ColumnType<string[], string[] | undefined, string[]>;
  /** Parcels a day it can ship; 0 means not set. */
  daily_capacity: Generated<number>;
  updated_at: Generated<Date>;
}

/** Routing rule files, versioned like promotion rule sets (migration 0011). */
export interface RoutingRuleSetsTable {
  version: Generated<number>;
  rules: Json<unknown>;
  created_by: string;
  note: Generated<string>;
  created_at: Generated<Date>;
}

/** What routing decided for an order and why (`planRoute`'s reason). */
export interface OrderRoutingTable {
  order_id: string;
  rule_version: number | null;
  outcome: string;
  reason: Json<unknown>;
  routed_at: Generated<Date>;
}

/** An operator's resolution of an exception (migration 0014). */
export interface ExceptionResolutionsTable {
  order_id: string;
  exception_type: string;
  note: string;
  resolved_by: string;
  resolved_at: Generated<Date>;
}

/** Units of a SKU kept back from a channel's available-to-sell. */
export interface SafetyStockTable {
  sku: string;
  channel: string;
  qty: number;
}

export interface InventoryTable {
  sku: string;
  warehouse: string;
  on_hand: number;
  reserved: Generated<number>;
  updated_at: Generated<Date>;
}

export interface ReservationsTable {
  order_id: string;
  line_id: string;
  sku: string;
  warehouse: string;
  qty: number;
  /** held: counted in `inventory.reserved`; released: given back; shipped: left the warehouse (on hand decremented). */
  status: Generated<'held' | 'released' | 'shipped'>;
  /** The shipment the line travels in. */
  shipment_id: string | null;
  created_at: Generated<Date>;
}

export interface ShipmentsTable {
  id: string;
  order_id: string;
  warehouse: string;
  waybill_no: string | null;
  carrier: string | null;
  /** Orders with the same key may share this shipment (merge); null never merges. */
  merge_key: string | null;
  created_at: Generated<Date>;
  waybilled_at: Timestamp | null;
  /** A cancelled order's parcel after its waybill (migration 0020): requested, voided, or refused by the carrier. */
  interception: 'requested' | 'voided' | 'refused' | null;
  intercepted_at: Timestamp | null;
  /** The WMS's pick task of the shipment (migration 0022), once the WMS took it. */
  pick_task_id: string | null;
  /** open at the WMS; cancel_requested, cancelled or refused for a cancelled order's parcel; shipped once it left the warehouse. */
  pick_status: PickStatus | null;
  picked_at: Timestamp | null;
  shipped_at: Timestamp | null;
}

export type PickStatus = 'open' | 'cancel_requested' | 'cancelled' | 'refused' | 'shipped';

/** How far the confirm-shipped feed of each WMS has been read (migration 0022). */
export interface WmsFeedCursorsTable {
  wms: string;
  seq: number;
  updated_at: Generated<Date>;
}

/** Which orders travel in which shipment; several when orders were merged. */
export interface ShipmentOrdersTable {
  shipment_id: string;
  order_id: string;
}

export interface NotificationsTable {
  order_id: string;
  kind: string;
  provider_message_id: string;
  sent_at: Generated<Date>;
}

/** One loyalty award per order (the points step). */
export interface LoyaltyPointsTable {
  order_id: string;
  buyer: string;
  points: number;
  awarded_at: Generated<Date>;
}

export interface ProductsTable {
  sku: string;
  category: string;
  title: Generated<string>;
  updated_at: Generated<Date>;
}

export interface RuleSetsTable {
  version: Generated<number>;
  rules: Json<unknown>;
  created_by: string;
  note: Generated<string>;
  created_at: Generated<Date>;
}

export interface OrderPricingTable {
  order_id: string;
  method: 'engine' | 'platform' | 'check';
  rule_set_version: number | null;
  payable_fen: number;
  result: Json<unknown>;
  priced_at: Generated<Date>;
}

/** Poll cursor and health of one connector (channel, shop): see migration 0004. */
export interface ConnectorCursorsTable {
  channel: string;
  shop: string;
  cursor_at: Timestamp;
  updated_at: Generated<Date>;
  last_success_at: Timestamp | null;
  published: Generated<number>;
  failures: Generated<number>;
  consecutive_failures: Generated<number>;
  last_error: string | null;
  last_error_at: Timestamp | null;
}

/** A seller account on a platform (migration 0016); secret and tokens sealed with the PII keyring. */
export interface ShopAccountsTable {
  code: string;
  channel: string;
  display_name: string;
  api_base_url: string;
  app_key: string;
  app_secret: string;
  access_token: Generated<string>;
  refresh_token: Generated<string>;
  token_expires_at: Timestamp | null;
  refreshed_at: Timestamp | null;
  refresh_failed_at: Timestamp | null;
  refresh_error: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** The typed schema Kysely checks every query against; each part of the product may bring its tables. */
export interface Database extends AftersalesTables, SettlementTables, InvoiceTables, PlatformAftersalesTables {
  products: ProductsTable;
  rule_sets: RuleSetsTable;
  order_pricing: OrderPricingTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  order_events: OrderEventsTable;
  warehouses: WarehousesTable;
  routing_rule_sets: RoutingRuleSetsTable;
  order_routing: OrderRoutingTable;
  safety_stock: SafetyStockTable;
  exception_resolutions: ExceptionResolutionsTable;
  inventory: InventoryTable;
  reservations: ReservationsTable;
  shipments: ShipmentsTable;
  shipment_orders: ShipmentOrdersTable;
  wms_feed_cursors: WmsFeedCursorsTable;
  notifications: NotificationsTable;
  connector_cursors: ConnectorCursorsTable;
  shop_accounts: ShopAccountsTable;
  loyalty_points: LoyaltyPointsTable;
}

export type Db = Kysely<Database>;

export interface DbOptions {
  /** Where a lost connection is reported, once per outage; `console.error` by default. */
  log?: (line: string) => void;
}

/**
 * Opens a pooled connection; `max` bounds the connections this process holds. The pool rides
 * out a Postgres restart or failover: a dead connection is dropped and reported once per outage,
 * the queries on it fail (their callers retry), and new connections are made once the server
 * answers again.
 *
 * @example
 * const db = createDb(process.env.DATABASE_URL!, 20, { log: (line) => logger.warn(line) });
 */
export function createDb(url: string, max = 10, options: DbOptions = {}): Db {
  const pool = new pg.Pool({ connectionString: url, max });
  reportOutages(pool, options.log ?? ((line) => console.error(line)));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * A connection that dies emits 'error' on its client, and on the pool too when it is idle; an
 * 'error' event nobody listens to kills the process. pg-pool listens on idle clients only, so a
 * client checked out for a query (the usual case in a busy worker) needs a listener of its own.
 * Every client of an outage fails at once: one line for the outage, one when it is over.
 */
function reportOutages(pool: pg.Pool, log: (line: string) => void): void {
  let down = false;
  const lost = (error: Error): void => {
    if (down) return;
    down = true;
    log(`connection to Postgres lost (${error.message}); work that needs it is retried until it answers again`);
  };
  pool.on('error', lost);
  pool.on('connect', (client) => {
    client.on('error', lost);
    if (down) {
      down = false;
      log('connection to Postgres back');
    }
  });
}
