import { sql } from 'kysely';
import type { Db } from '../database.ts';
import type { InvoiceRequest } from '../../streams/canonical-order.ts';
import type { InvoiceKind, InvoicePoint } from '../invoice-tables.ts';

/** What the invoice step knows of one order: what `decideInvoice` decides from. */
export interface InvoiceFacts {
  orderId: string;
  /** The order's shop account code, whose invoice point applies. */
  shop: string;
  /** The shop's point; `paid` when it set none. */
  point: InvoicePoint;
  paidFen: number;
  /** Cash on delivery: not paid until the parcel arrives. */
  cod: boolean;
  /** Every parcel of the order has left the warehouse (the WMS's confirm-shipped feed). */
  shipped: boolean;
  /** Refunded in full: by the platform (`refund_status` refunded) or by refunded after-sales tickets covering what was paid. */
  fullyRefunded: boolean;
  /** The order was cancelled (its parcel, if any, will not go): nothing to invoice if it was not yet. */
  cancelled: boolean;
  /** The invoice title and taxpayer number the order asked for (the canonical order's `invoice`); null: an individual's. */
  buyer: InvoiceRequest | null;
  /** The order's blue invoice, once issued. */
  blue: { invoiceNo: string; amountFen: number; title: string; taxNo: string } | null;
  /** Its red-letter reversal has been issued. */
  red: boolean;
}

/**
 * Everything `decideInvoice` needs of `ids`, in one statement: the shop's invoice point (`paid`
 * when it set none), whether every parcel left the warehouse (reservations turned `shipped`, none
 * still held), whether the order was refunded in full (by its platform, or by refunded after-sales
 * tickets covering what was paid), the invoice title it asked for, and its invoices.
 */
export async function invoiceFacts(db: Db, ids: readonly string[]): Promise<InvoiceFacts[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<{
    id: string;
    shop: string;
    point: InvoicePoint;
    paid_fen: string;
    cod: boolean;
    shipped: boolean;
    fully_refunded: boolean;
    cancelled: boolean;
    invoice_title: string | null;
    invoice_tax_no: string | null;
    blue_no: string | null;
    blue_fen: string | null;
    blue_title: string | null;
    blue_tax_no: string | null;
    red: boolean;
  }>`
    select o.id, o.shop, coalesce(p.point, 'paid') as point, o.paid_fen, o.payment_method = 'cod' as cod, o.status = 'cancelled' as cancelled, o.invoice_title, o.invoice_tax_no,
      exists (select 1 from reservations r where r.order_id = o.id and r.status = 'shipped')
        and not exists (select 1 from reservations r where r.order_id = o.id and r.status = 'held') as shipped,
      o.refund_status = 'refunded'
        or (o.paid_fen > 0 and (select coalesce(sum(t.refund_fen), 0) from aftersales_tickets t where t.order_id = o.id and t.state = 'refunded') >= o.paid_fen) as fully_refunded,
      b.invoice_no as blue_no, b.amount_fen as blue_fen, b.title as blue_title, b.tax_no as blue_tax_no,
      exists (select 1 from invoices r where r.order_id = o.id and r.kind = 'red') as red
    from orders o
    left join shop_invoice_points p on p.shop = o.shop
    left join invoices b on b.order_id = o.id and b.kind = 'blue'
    where o.id = any(${ids as string[]}::text[])`.execute(db);
  return rows.map((r) => ({
    orderId: r.id,
    shop: r.shop,
    point: r.point,
    paidFen: Number(r.paid_fen),
    cod: r.cod,
    shipped: r.shipped,
    fullyRefunded: r.fully_refunded,
    cancelled: r.cancelled,
    buyer: r.invoice_title === null ? null : { title: r.invoice_title, taxNo: r.invoice_tax_no ?? '' },
    blue: r.blue_no === null ? null : { invoiceNo: r.blue_no, amountFen: Number(r.blue_fen), title: r.blue_title ?? '', taxNo: r.blue_tax_no ?? '' },
    red: r.red,
  }));
}

/**
 * Records issued invoices and which orders wait for their shipment, in one transaction. An
 * invoice already recorded keeps its first row (one per order and kind).
 */
export async function recordInvoiceRound(
  db: Db,
  round: { issued: readonly { orderId: string; kind: InvoiceKind; shop: string; invoiceNo: string; title: string; taxNo: string; amountFen: number }[]; awaiting: readonly string[]; settled: readonly string[] },
): Promise<void> {
  if (round.issued.length === 0 && round.awaiting.length === 0 && round.settled.length === 0) return;
  await db.transaction().execute(async (trx) => {
    if (round.issued.length > 0) {
      await trx
        .insertInto('invoices')
        .values(round.issued.map((i) => ({ order_id: i.orderId, kind: i.kind, shop: i.shop, invoice_no: i.invoiceNo, title: i.title, tax_no: i.taxNo, amount_fen: i.amountFen })))
        .onConflict((oc) => oc.columns(['order_id', 'kind']).doNothing())
        .execute();
    }
    if (round.awaiting.length > 0) {
      await trx.insertInto('invoice_awaiting_shipment').values(round.awaiting.map((order_id) => ({ order_id }))).onConflict((oc) => oc.column('order_id').doNothing()).execute();
    }
    if (round.settled.length > 0) await trx.deleteFrom('invoice_awaiting_shipment').where('order_id', 'in', round.settled).execute();
  });
}

/**
 * Orders the invoice sweep looks at: those waiting for their shipment that have no parcel left in
 * the warehouse (shipped, or released by a cancel), and those refunded in full with a blue invoice
 * and no red one. Each reads a short list (the waiting table; refunded orders through a partial
 * index, refunded tickets through their state index), not every invoiced order.
 */
export async function invoiceSweepCandidates(db: Db, limit: number): Promise<string[]> {
  const { rows } = await sql<{ order_id: string }>`
    (select w.order_id from invoice_awaiting_shipment w
      where not exists (select 1 from reservations r where r.order_id = w.order_id and r.status = 'held')
      order by w.since limit ${limit})
    union
    (select o.id from orders o
      join invoices b on b.order_id = o.id and b.kind = 'blue'
      where o.refund_status = 'refunded'
        and not exists (select 1 from invoices r where r.order_id = o.id and r.kind = 'red')
      limit ${limit})
    union
    (select t.order_id from aftersales_tickets t
      join orders o on o.id = t.order_id
      join invoices b on b.order_id = t.order_id and b.kind = 'blue'
      where t.state = 'refunded'
        and not exists (select 1 from invoices r where r.order_id = t.order_id and r.kind = 'red')
      group by t.order_id, o.paid_fen
      having o.paid_fen > 0 and sum(t.refund_fen) >= o.paid_fen
      limit ${limit})`.execute(db);
  return rows.map((r) => r.order_id);
}

/** An order's invoices, blue first, for `order show`. */
export async function invoicesOf(db: Db, orderId: string) {
  return db.selectFrom('invoices').selectAll().where('order_id', '=', orderId).orderBy('kind').execute();
}

/** One row of `invoicesOf`. */
export type InvoiceRow = Awaited<ReturnType<typeof invoicesOf>>[number];

/** Sets a shop's invoice point (who and when kept). */
export async function setInvoicePoint(db: Db, shop: string, point: InvoicePoint, by: string): Promise<void> {
  await db
    .insertInto('shop_invoice_points')
    .values({ shop, point, updated_by: by })
    .onConflict((oc) => oc.column('shop').doUpdateSet({ point, updated_by: by, updated_at: sql`now()` }))
    .execute();
}

/** Every shop that set its invoice point; a shop not listed is invoiced once paid. */
export async function invoicePoints(db: Db) {
  return db.selectFrom('shop_invoice_points').selectAll().orderBy('shop').execute();
}
