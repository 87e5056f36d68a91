import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { formatOfChannel } from '../../workers/reconcile/formats/index.ts';
import { reportPeriod } from '../../workers/reconcile/report-period.ts';
import { settlementEntries, writeSettlementFile, type SettledOrder } from './settlement-writer.ts';

/** What a platform simulator knows of one order's money: when it was paid, what it took, what it gave back. */
export interface SimulatedPayment {
  externalId: string;
  paidAtMs: number;
  paidFen: number;
  refundedFen: number;
}

/** The orders a platform settles for a China-time day: those paid that day, in payment order. */
export function settledOrdersOfDay(channel: string, payments: Iterable<SimulatedPayment>, period: { from: Date; to: Date }): SettledOrder[] {
  const out: SettledOrder[] = [];
  for (const p of payments) {
    if (p.paidAtMs < period.from.getTime() || p.paidAtMs >= period.to.getTime()) continue;
    out.push({ externalId: p.externalId, channel, paidFen: p.paidFen, refundedFen: Math.min(p.refundedFen, p.paidFen), paidAt: new Date(p.paidAtMs) });
  }
  return out.sort((a, b) => a.paidAt.getTime() - b.paidAt.getTime() || (a.externalId < b.externalId ? -1 : 1));
}

/**
 * Writes `channel`'s settlement export of `day` (a China-time day, `2026-11-11`) into `dir` as
 * `<channel>-<day>.csv`, in the platform's columns and encoding: a sale, a fee and the refunds of
 * every order paid that day. Returns the file and the number of entries.
 *
 * @throws Error naming `day` or `channel` when either is not one the writer knows.
 */
export async function writeSimulatorSettlement(channel: string, day: string, payments: Iterable<SimulatedPayment>, dir: string): Promise<{ file: string; entries: number }> {
  const period = reportPeriod(day);
  if (!period.ok || !/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`day: must be one China-time day (2026-11-11)${period.ok ? '' : `: ${period.problem}`}`);
  const format = formatOfChannel(channel);
  if (!format) throw new Error(`channel: ${channel} has no settlement export (tmall, jd, douyin and pdd have)`);
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${channel}-${day}.csv`);
  const orders = settledOrdersOfDay(channel, payments, period);
  const entries = await writeSettlementFile(file, format, orders.flatMap(settlementEntries), period);
  return { file, entries };
}
