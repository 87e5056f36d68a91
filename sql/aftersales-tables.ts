import type { ColumnType, Generated } from 'kysely';
import type { Condition, TicketState, TicketType } from '../workers/aftersales/ticket-machine.ts';

/** An after-sales ticket (migration 0030): one per (shop, platform ticket id). */
export interface AftersalesTicketsTable {
  id: Generated<number>;
  shop: string;
  platform_ticket_id: string;
  order_id: string;
  type: TicketType;
  state: TicketState;
  reason: Generated<string>;
  complaint: Generated<boolean>;
  /** What the ticket refunds in all, fixed when it is created. */
  refund_fen: number;
  /** Of `refund_fen`, the order's shipping fee (migration 0037); 0 when the ticket refunds lines only. */
  shipping_refund_fen: Generated<number>;
  return_carrier: string | null;
  return_waybill: string | null;
  received_warehouse: string | null;
  condition: Condition | null;
  exchange_warehouse: string | null;
  exchange_carrier: string | null;
  exchange_waybill: string | null;
  /** The replacement order an exchange ships through the pipeline (migration 0036). */
  exchange_order_id: Generated<string | null>;
  created_by: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** The units of an order line a ticket covers and what they refund. */
export interface AftersalesTicketLinesTable {
  ticket_id: number;
  line_id: string;
  sku: string;
  qty: number;
  refund_fen: number;
}

/** Every change of a ticket's state (and its creation), in order. */
export interface AftersalesEventsTable {
  id: Generated<number>;
  ticket_id: number;
  type: string;
  from_state: TicketState | null;
  to_state: TicketState;
  actor: string;
  detail: ColumnType<unknown, string | undefined, string>;
  at: Generated<Date>;
}

/** Returned units that cannot be sold again, per SKU and warehouse. */
export interface DamagedStockTable {
  sku: string;
  warehouse: string;
  qty: number;
  updated_at: Generated<Date>;
}

/** The after-sales part of the schema; `Database` extends it. */
export interface AftersalesTables {
  aftersales_tickets: AftersalesTicketsTable;
  aftersales_ticket_lines: AftersalesTicketLinesTable;
  aftersales_events: AftersalesEventsTable;
  damaged_stock: DamagedStockTable;
}
