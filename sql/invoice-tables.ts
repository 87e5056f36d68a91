import type { Generated } from 'kysely';

/** Where in an order's life its shop has it invoiced; `off`: not by ordersurge. */
export type InvoicePoint = 'paid' | 'shipped' | 'off';

/** `blue`: the invoice; `red`: its red-letter reversal (冲红). */
export type InvoiceKind = 'blue' | 'red';

/** One electronic invoice (migration 0033): one per (order, kind). */
export interface InvoicesTable {
  order_id: string;
  kind: InvoiceKind;
  shop: string;
  /** The invoice service's number. */
  invoice_no: string;
  /** The buyer's invoice title (发票抬头); 个人 when the order gave none. */
  title: string;
  /** The buyer's taxpayer number (纳税人识别号); '' for an individual. */
  tax_no: Generated<string>;
  /** Signed fen: a red invoice is the negative of its blue one. */
  amount_fen: number;
  requested_at: Generated<Date>;
}

/** A shop's invoice point, set with `ordersurge shops invoicing`. */
export interface ShopInvoicePointsTable {
  shop: string;
  point: InvoicePoint;
  updated_by: string;
  updated_at: Generated<Date>;
}

/** An order of a shop invoicing at shipment, waiting for its parcel to leave. */
export interface InvoiceAwaitingShipmentTable {
  order_id: string;
  since: Generated<Date>;
}

/** The invoicing part of the schema; `Database` extends it. */
export interface InvoiceTables {
  invoices: InvoicesTable;
  shop_invoice_points: ShopInvoicePointsTable;
  invoice_awaiting_shipment: InvoiceAwaitingShipmentTable;
}
