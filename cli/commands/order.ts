import { Command } from 'commander';
import { loadOrderDetail } from '../../sql/queries/orders.ts';
import { CHANNELS, channelSchema } from '../../streams/canonical-order.ts';
import { loadConfig } from '../config.ts';
import { formatOrder, orderView } from '../order-view.ts';
import { action, InputError } from '../run-action.ts';
import { connectRunning } from '../servers.ts';

/** Checks the CLI's order address, `CHANNEL:EXTERNAL_ID`. */
export function parseOrderId(value: string): string {
  const colon = value.indexOf(':');
  const channel = value.slice(0, colon);
  if (colon < 1 || colon === value.length - 1) {
    throw new InputError(`ID: an order is addressed as CHANNEL:EXTERNAL_ID (e.g. shop:5012345), got ${JSON.stringify(value)}`);
  }
  if (!channelSchema.safeParse(channel).success) {
    throw new InputError(`ID: unknown channel ${JSON.stringify(channel)} in ${JSON.stringify(value)}; one of ${CHANNELS.join(', ')}`);
  }
  return value;
}

export function orderCommand(): Command {
  const order = new Command('order').description('look at orders');
  order
    .command('show')
    .description('an order with its lines, amounts (fen), shipments and events')
    .argument('<id>', 'CHANNEL:EXTERNAL_ID, e.g. shop:5012345')
    .option('--json', 'print JSON')
    .action(
      action(async (id: string, opts: { json?: boolean }) => {
        const orderId = parseOrderId(id);
        const conn = await connectRunning(loadConfig(), { db: true });
        try {
          const detail = await loadOrderDetail(conn.db!, orderId);
          if (!detail) throw new InputError(`ID: no order ${orderId}`);
          const view = orderView(detail);
          console.log(opts.json ? JSON.stringify(view, null, 2) : formatOrder(view));
        } finally {
          await conn.close();
        }
      }),
    );
  return order;
}
