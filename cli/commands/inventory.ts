import { Command } from 'commander';
import { setStock, showStock } from '../../sql/queries/inventory.ts';
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
  return inventory;
}
