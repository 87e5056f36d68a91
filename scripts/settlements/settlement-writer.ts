import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import iconv from 'iconv-lite';
import { expectedFee } from '../../workers/reconcile/platform-fees.ts';
import { csvCell, type SettlementEntry, type SettlementFormat } from '../../workers/reconcile/settlement-format.ts';

/** An order as the platform settles it. */
export interface SettledOrder {
  externalId: string;
  channel: string;
  paidFen: number;
  refundedFen: number;
  paidAt: Date;
}

/**
 * The entries a platform writes for an order: the sale, its fee (on what the buyer kept paid) and
 * the refund, each with a serial number derived from the order, so a day's export and a month's
 * carry the same serials for the same entries.
 *
 * @example
 * settlementEntries({ externalId: '1001', channel: 'tmall', paidFen: 29900, refundedFen: 0, paidAt })
 * // [{ txnId: '1001S', kind: 'sale', amountFen: 29900, ... }, { txnId: '1001F', kind: 'fee', amountFen: -1495, ... }]
 */
export function settlementEntries(order: SettledOrder): SettlementEntry[] {
  const base = { externalOrderId: order.externalId, settledAt: order.paidAt };
  const fee = expectedFee(order.channel, order.paidFen, order.refundedFen);
  return [
    { ...base, txnId: `${order.externalId}S`, kind: 'sale', amountFen: order.paidFen },
    ...(fee > 0 ? [{ ...base, txnId: `${order.externalId}F`, kind: 'fee' as const, amountFen: -fee }] : []),
    ...(order.refundedFen > 0 ? [{ ...base, txnId: `${order.externalId}R`, kind: 'refund' as const, amountFen: -order.refundedFen }] : []),
  ];
}

/**
 * Writes a settlement export in the platform's format and encoding (GBK through iconv-lite for
 * Alipay and JD, UTF-8 with a byte-order mark for Douyin), CRLF lines as the platforms' exports
 * have, honouring the file stream's backpressure so a million entries take constant memory.
 * Returns the number of entries written.
 */
export async function writeSettlementFile(file: string, format: SettlementFormat, entries: Iterable<SettlementEntry>, period: { from: Date; to: Date }): Promise<number> {
  const out = createWriteStream(file);
  let sink: NodeJS.WritableStream = out;
  if (format.encoding === 'gbk') {
    const encoder = iconv.encodeStream('gbk');
    encoder.pipe(out);
    sink = encoder;
  }
  const write = async (text: string) => {
    if (!sink.write(text)) await once(sink, 'drain');
  };
  if (format.name === 'douyin-fund-flow') await write('\uFEFF');
  for (const line of format.preamble(period.from, period.to)) await write(`${line}\r\n`);
  await write(`${format.columns.map(csvCell).join(',')}\r\n`);
  let n = 0;
  let chunk = '';
  for (const entry of entries) {
    chunk += `${format.write(entry).map(csvCell).join(',')}\r\n`;
    n++;
    if (chunk.length > 64 * 1024) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  for (const line of format.footer(n)) await write(`${line}\r\n`);
  sink.end();
  await once(out, 'finish');
  return n;
}
