import { Command } from 'commander';
import { setStock, showStock } from '../../sql/queries/inventory.ts';
import { setSafetyStock, stockDrift, stockForAts } from '../../sql/queries/stock-ledger.ts';
import { atsKey, openAtsBucket, type AtsValue } from '../../streams/ats-bucket.ts';
import { CHANNELS, channelSchema } from '../../streams/canonical-order.ts';
import { availableToSell } from '../../workers/inventory/available-to-sell.ts';
import { loadConfig } from '../config.ts';
import { action, InputError } from '../run-action.ts';
import { connectRunning } from '../servers.ts';

export function inventoryCommand(): Command {
  const inventory = new Command('inventory').description('stock per SKU and warehouse');
  inventory
    .command('set')
    .description('set the on-hand quantity of a SKU in a warehouse')
    .argument('<sku>')
    .argument('<warehouse>')
    .argument('<qty>', 'on-hand quantity, a non-negative integer')
    .action(
      action(async (sku: string, warehouse: string, qtyText: string) => {
        const qty = Number(qtyText);
        if (!Number.isSafeInteger(qty) || qty < 0) throw new InputError(`qty: must be a non-negative integer, got ${JSON.stringify(qtyText)}`);
        if (sku.trim() === '') throw new InputError('sku: must not be empty');
        const conn = await connectRunning(loadConfig(), { db: true });
        try {
          const level = await setStock(conn.db!, sku, warehouse, qty);
          console.log(`${level.sku} in ${level.warehouse}: on hand ${level.onHand}, reserved ${level.reserved}, available ${level.available}`);
        } finally {
          await conn.close();
        }
      }),
    );
  inventory
    .command('show')
    .description('stock of a SKU in every warehouse')
    .argument('<sku>')
    .option('--json', 'print JSON: [{ warehouse, onHand, reserved, available }]')
    .action(
      action(async (sku: string, opts: { json?: boolean }) => {
        const conn = await connectRunning(loadConfig(), { db: true });
        try {
          const levels = await showStock(conn.db!, sku);
          if (opts.json) {
            console.log(JSON.stringify(levels.map(({ warehouse, onHand, reserved, available }) => ({ warehouse, onHand, reserved, available })), null, 2));
          } else if (levels.length === 0) {
            console.log(`${sku}: no stock in any warehouse`);
          } else {
            for (const l of levels) console.log(`${l.warehouse.padEnd(10)} on hand ${l.onHand}, reserved ${l.reserved}, available ${l.available}`);
          }
        } finally {
          await conn.close();
        }
      }),
    );
  inventory
    .command('check')
    .description('recompute every reserved counter from the reservation rows; exit 1 when any disagrees')
    .option('--json', 'print JSON: [{ sku, warehouse, reserved, held }] of the rows that disagree')
    .action(
      action(async (opts: { json?: boolean }) => {
        const conn = await connectRunning(loadConfig(), { db: true });
        try {
          const drift = await stockDrift(conn.db!);
          if (opts.json) console.log(JSON.stringify(drift, null, 2));
          else if (drift.length === 0) console.log('no drift: every reserved counter equals its held reservations');
          else for (const d of drift) console.log(`DRIFT ${d.sku} in ${d.warehouse}: reserved ${d.reserved}, held reservations ${d.held}`);
          if (drift.length > 0) process.exitCode = 1;
        } finally {
          await conn.close();
        }
      }),
    );
  inventory
    .command('ats')
    .description('available-to-sell of a SKU per channel (on hand - reserved - safety stock), as published in the KV bucket and as Postgres has it now')
    .argument('<sku>')
    .option('--json', 'print JSON: [{ channel, published, now }]')
    .action(
      action(async (sku: string, opts: { json?: boolean }) => {
        const conn = await connectRunning(loadConfig(), { db: true, bus: true });
        try {
          const [stock] = await stockForAts(conn.db!, [sku]);
          const kv = await openAtsBucket(conn.bus!.nc, conn.names);
          const rows = await Promise.all(
            availableToSell(stock!).map(async (a) => {
              const entry = await kv.get(atsKey(sku, a.channel));
              const published = entry && entry.operation === 'PUT' ? (JSON.parse(entry.string()) as AtsValue) : null;
              return { channel: a.channel, published: published?.ats ?? null, publishedAt: published?.at ?? null, now: a.ats };
            }),
          );
          if (opts.json) console.log(JSON.stringify(rows, null, 2));
          else for (const r of rows) console.log(`${r.channel.padEnd(8)} ${String(r.published ?? '-').padStart(6)} published${r.publishedAt ? ` at ${r.publishedAt}` : ' (not yet)'}, ${r.now} now`);
        } finally {
          await conn.close();
        }
      }),
    );
  inventory
    .command('safety')
    .description('set the units of a SKU a channel keeps back from its available-to-sell')
    .argument('<sku>')
    .argument('<channel>', CHANNELS.join(', '))
    .argument('<qty>', 'a non-negative integer')
    .action(
      action(async (sku: string, channel: string, qtyText: string) => {
        const qty = Number(qtyText);
        if (!Number.isSafeInteger(qty) || qty < 0) throw new InputError(`qty: must be a non-negative integer, got ${JSON.stringify(qtyText)}`);
        if (!channelSchema.safeParse(channel).success) throw new InputError(`channel: must be one of ${CHANNELS.join(', ')}, got ${JSON.stringify(channel)}`);
        const conn = await connectRunning(loadConfig(), { db: true });
        try {
          await setSafetyStock(conn.db!, sku, channel, qty);
          console.log(`${sku} on ${channel}: ${qty} kept back`);
        } finally {
          await conn.close();
        }
      }),
    );
  return inventory;
}
