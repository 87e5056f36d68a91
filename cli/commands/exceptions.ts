import os from 'node:os';
import { Command } from 'commander';
import { exceptionOf, exceptionQueue, resolveException, type QueuedException } from '../../sql/queries/exception-queue.ts';
import { retryDecision, retryExceptions } from '../../workers/exception-retry.ts';
import { loadConfig } from '../config.ts';
import { action, InputError, positiveIntOption } from '../run-action.ts';
import { connectRunning } from '../servers.ts';
import { cell, TEXT_WIDTH, wrapLines } from '../text-cell.ts';
import { timeCell, timeJson, timeText, zoneHeader } from '../time-display.ts';
import { parseOrderId } from './order.ts';

export function exceptionsCommand(): Command {
  const exceptions = new Command('exceptions').description("the operator's queue: orders held as exceptions (backorder, bad_address, waybill_rejected, ...) until retried or resolved");
  exceptions
    .command('list')
    .description('unresolved exceptions, oldest first')
    .option('--type <type>', 'only this exception type')
    .option('--limit <n>', 'at most this many', positiveIntOption('--limit'), 100)
    .option('--json', 'print JSON: [{ id, channel, type, detail, since, retry }], whole ids and details, since ISO-8601 with offset')
    .addHelpText('after', '\nText: one row per exception, its detail wrapped below it, within 80 columns.')
    .action(
      action(async (opts: { type?: string; limit: number; json?: boolean }) => {
        const conn = await connectRunning(loadConfig(), { db: true });
        try {
          const queue = await exceptionQueue(conn.db!, { ...(opts.type === undefined ? {} : { type: opts.type }), limit: opts.limit });
          if (opts.json) console.log(JSON.stringify(queue.map((e) => ({ ...e, since: timeJson(e.since), retry: retryDecision(e.type, e.detail) })), null, 2));
          else console.log(formatExceptionList(queue));
        } finally {
          await conn.close();
        }
      }),
    );
  exceptions
    .command('show')
    .description('one exception: its type, detail, whether a retry can help, and its resolution')
    .argument('<id>', 'CHANNEL:EXTERNAL_ID')
    .option('--json', 'print JSON (times ISO-8601 with offset)')
    .action(
      action(async (id: string, opts: { json?: boolean }) => {
        const orderId = parseOrderId(id);
        const conn = await connectRunning(loadConfig(), { db: true });
        try {
          const e = await exceptionOf(conn.db!, orderId);
          if (!e) throw new InputError(`ID: ${orderId} is not an exception`);
          const retry = retryDecision(e.type, e.detail);
          if (opts.json) {
            const resolution = e.resolution && { ...e.resolution, at: timeJson(e.resolution.at) };
            console.log(JSON.stringify({ ...e, since: timeJson(e.since), resolution, retry }, null, 2));
          } else {
            console.log(`${e.id}  ${e.type} since ${timeText(e.since)}\n  ${e.detail}`);
            console.log(retry.ok ? `  retry: back to ${retry.to}` : `  retry: no (${retry.why})`);
            console.log(e.resolution ? `  resolved by ${e.resolution.by} at ${timeText(e.resolution.at)}: ${e.resolution.note}` : '  unresolved');
          }
        } finally {
          await conn.close();
        }
      }),
    );
  exceptions
    .command('retry')
    .description('put exceptions back to the stage that raised them (after the stock, rules or address were fixed); idempotent')
    .argument('[id]', 'CHANNEL:EXTERNAL_ID')
    .option('--type <type>', 'every unresolved exception of this type')
    .action(
      action(async (id: string | undefined, opts: { type?: string }) => {
        if ((id === undefined) === (opts.type === undefined)) throw new InputError('give an order ID or --type, one of the two');
        const conn = await connectRunning(loadConfig(), { db: true, bus: true });
        try {
          const targets = id !== undefined ? [await exceptionOf(conn.db!, parseOrderId(id))].filter((e) => e !== undefined) : await exceptionQueue(conn.db!, { type: opts.type!, limit: 100_000 });
          if (id !== undefined && targets.length === 0) throw new InputError(`ID: ${id} is not an exception`);
          const refused = targets.flatMap((e) => {
            const d = retryDecision(e.type, e.detail);
            return d.ok ? [] : [`${e.id}: ${d.why}`];
          });
          const retried = await retryExceptions(conn.db!, conn.bus!.js, conn.names, targets);
          console.log(`${retried} retried${refused.length > 0 ? `; not retried: ${refused.join('; ')}` : ''}`);
          if (id !== undefined && refused.length > 0) process.exitCode = 1;
        } finally {
          await conn.close();
        }
      }),
    );
  exceptions
    .command('resolve')
    .description('close an exception handled by hand: the note is kept with who and when, and it leaves the queue')
    .argument('<id>', 'CHANNEL:EXTERNAL_ID')
    .requiredOption('--note <text>', 'what was done')
    .option('--by <name>', 'who resolved it', os.userInfo().username)
    .action(
      action(async (id: string, opts: { note: string; by: string }) => {
        const orderId = parseOrderId(id);
        if (opts.note.trim() === '') throw new InputError('--note: must say what was done');
        const conn = await connectRunning(loadConfig(), { db: true });
        try {
          if (!(await resolveException(conn.db!, orderId, opts.note, opts.by))) throw new InputError(`ID: ${orderId} is not an exception`);
          console.log(`${orderId}: resolved`);
        } finally {
          await conn.close();
        }
      }),
    );
  return exceptions;
}

/**
 * `exceptions list` for people: the order, its type and since when (the zone's offset in the
 * header), then its detail wrapped below it, every line within 80 columns.
 */
export function formatExceptionList(queue: readonly QueuedException[]): string {
  if (queue.length === 0) return 'no exceptions';
  const header = `${cell('order', 24)}  ${cell('type', 28)}  since ${zoneHeader()}`;
  return [header, ...queue.flatMap((e) => [`${cell(e.id, 24)}  ${cell(e.type, 28)}  ${timeCell(e.since)}`, ...wrapLines(e.detail, TEXT_WIDTH, '  ')])].join('\n');
}
