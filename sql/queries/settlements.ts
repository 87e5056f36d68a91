import { sql, type Transaction } from 'kysely';
import type { SettlementEntry } from '../../workers/reconcile/settlement-format.ts';
import type { Database, Db } from '../database.ts';

type Trx = Transaction<Database>;

/** The import of a file already recorded under `sha256`, if any. */
export async function importedFile(db: Db | Trx, sha256: string) {
  return db.selectFrom('settlement_files').selectAll().where('sha256', '=', sha256).executeTakeFirst();
}

/** Records a file being imported; false when another import recorded it first (it waits for that one to commit). */
export async function claimFile(trx: Trx, file: { sha256: string; shop: string; format: string; fileName: string; bytes: number }): Promise<boolean> {
  const row = await trx
    .insertInto('settlement_files')
    .values({ sha256: file.sha256, shop: file.shop, format: file.format, file_name: file.fileName, bytes: file.bytes })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .returning('sha256')
    .executeTakeFirst();
  return row !== undefined;
}

export async function finishFile(trx: Trx, sha256: string, rowsRead: number, rowsStored: number): Promise<void> {
  await trx.updateTable('settlement_files').set({ rows_read: rowsRead, rows_stored: rowsStored }).where('sha256', '=', sha256).execute();
}

/**
 * Stores a batch of entries in one statement (arrays unnested server-side); an entry already
 * stored for the shop under its serial number is skipped. Returns how many were new.
 */
export async function insertSettlementLines(trx: Trx, shop: string, sha256: string, channel: string, entries: readonly SettlementEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  const result = await sql`
    insert into settlement_lines (shop, txn_id, file_sha256, order_id, kind, amount_fen, settled_at)
    select ${shop}, t.txn_id, ${sha256}, t.order_id, t.kind, t.amount_fen, t.settled_at
      from unnest(${entries.map((e) => e.txnId)}::text[], ${entries.map((e) => (e.externalOrderId === '' ? '' : `${channel}:${e.externalOrderId}`))}::text[],
                  ${entries.map((e) => e.kind)}::text[], ${entries.map((e) => e.amountFen)}::bigint[], ${entries.map((e) => e.settledAt.toISOString())}::timestamptz[])
           as t(txn_id, order_id, kind, amount_fen, settled_at)
    on conflict (shop, txn_id) do nothing`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}

/** What reconciliation reads of one order: ours (paid, refunded) and the platform's (settled, by kind). */
export interface OrderSettlementRow {
  orderId: string;
  channel: string;
  shop: string;
  paidFen: number;
  paidAt: Date;
  refundedFen: number;
  /** Entries of the platform's settlement for the order, 0 when none. */
  settledLines: number;
  settledSaleFen: number;
  /** Refunds and fees as the platform wrote them: negative out of the account. */
  settledRefundFen: number;
  settledFeeFen: number;
  settledOtherFen: number;
}

/**
 * Every paid order of the period (by payment time) with what it was refunded (after-sales
 * tickets refunded, or the whole payment for an order the platform refunded) and what every
 * imported settlement says of it, whenever settled.
 */
export async function ordersWithSettlements(db: Db, period: { from: Date; to: Date }, shop?: string): Promise<OrderSettlementRow[]> {
  const { rows } = await sql<OrderSettlementRow>`
    select o.id as "orderId", o.channel, o.shop, o.paid_fen::bigint as "paidFen", o.paid_at as "paidAt",
           greatest(coalesce(t.refunded, 0), case when o.refund_status = 'refunded' then o.paid_fen else 0 end)::bigint as "refundedFen",
           coalesce(s.lines, 0)::int as "settledLines",
           coalesce(s.sale, 0)::bigint as "settledSaleFen", coalesce(s.refund, 0)::bigint as "settledRefundFen",
           coalesce(s.fee, 0)::bigint as "settledFeeFen", coalesce(s.other, 0)::bigint as "settledOtherFen"
      from orders o
      left join lateral (
        select sum(refund_fen) as refunded from aftersales_tickets where order_id = o.id and state = 'refunded'
      ) t on true
      left join lateral (
        select count(*) as lines,
               sum(amount_fen) filter (where kind = 'sale') as sale, sum(amount_fen) filter (where kind = 'refund') as refund,
               sum(amount_fen) filter (where kind = 'fee') as fee, sum(amount_fen) filter (where kind = 'other') as other
          from settlement_lines where order_id = o.id
      ) s on true
     where o.paid_at >= ${period.from} and o.paid_at < ${period.to} and o.paid_fen > 0
       and (${shop ?? null}::text is null or o.shop = ${shop ?? null})
     order by o.id`.execute(db);
  return rows;
}

/** Settled in the period for an order we do not have, summed per order id. */
export async function settledWithoutOrder(db: Db, period: { from: Date; to: Date }, shop?: string): Promise<{ orderId: string; shop: string; lines: number; settledFen: number }[]> {
  const { rows } = await sql<{ orderId: string; shop: string; lines: number; settledFen: number }>`
    select l.order_id as "orderId", min(l.shop) as shop, count(*)::int as lines, sum(l.amount_fen)::bigint as "settledFen"
      from settlement_lines l
     where l.settled_at >= ${period.from} and l.settled_at < ${period.to} and l.order_id <> ''
       and (${shop ?? null}::text is null or l.shop = ${shop ?? null})
       and not exists (select 1 from orders o where o.id = l.order_id)
     group by l.order_id
     order by l.order_id`.execute(db);
  return rows;
}
