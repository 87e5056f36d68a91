import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOGUE, generateShopOrder } from '../scripts/simulators/shop-orders.ts';
import { setStock } from '../sql/queries/inventory.ts';
import { listDeadLetters } from '../streams/dead-letter.ts';
import { STAGES } from '../streams/pipeline.ts';
import { submitPayload } from '../streams/submit.ts';
import { replayWithOrders } from '../workers/dead-lettered-order.ts';
import type { RunningWorkers } from '../workers/worker-process.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

/**
 * What docs/runbook.md tells the operator about a refused blue invoice, checked on the real
 * servers: where the order is left, what shows it, and that `dlq replay` after the fix invoices it.
 */
describe('a blue invoice the invoice service refuses', () => {
  let p: TestPipeline;
  let workers: RunningWorkers | undefined;
  let service: Server;
  // The invoice service: refuses every item (422) until told otherwise, then issues.
  let refusing = true;
  let issued = 0;

  beforeAll(async () => {
    service = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const items = (JSON.parse(body) as { items: { key: string }[] }).items;
        const results = items.map(({ key }) =>
          refusing ? { key, status: 422, body: { error: 'taxNo: 91320500MA1X00000 is not a valid unified social credit code' } } : { key, status: 201, body: { invoiceNo: `FP${++issued}`, kind: 'blue' } },
        );
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results }));
      });
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    p = await createTestPipeline();
    p.config.invoiceUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
    for (const item of DEMO_CATALOGUE) await setStock(p.db, item.sku, 'suzhou', 1000);
    workers = await p.startWorkers(STAGES);
  });
  afterAll(async () => {
    await workers?.stop();
    await p?.close();
    await new Promise((resolve) => service?.close(resolve));
  });

  it('dead-letters the invoice message, leaves the order notified (no exception), holds its points back, and is invoiced by dlq replay', async () => {
    const payload = generateShopOrder(91_001);
    const id = `shop:${String(payload.id)}`;
    await submitPayload(p.bus.js, p.names, 'shop', new TextEncoder().encode(JSON.stringify(payload)));
    const [letter] = await eventually(async () => {
      const letters = await listDeadLetters(p.bus.js, p.bus.jsm, p.names, { stage: 'invoice' });
      return letters.length > 0 ? letters : undefined;
    }, 30_000, 'an invoice dead letter');
    expect(letter).toMatchObject({ stage: 'invoice', attempts: 1 });
    expect(letter!.error).toContain('blue invoice refused');
    expect(letter!.error).toContain('taxNo: 91320500MA1X00000 is not a valid unified social credit code');
    // The invoice step is a side step (it moves no status): the order stays notified, not an exception.
    await new Promise((r) => setTimeout(r, 1000));
    const order = await p.db.selectFrom('orders').select(['status', 'exception_type']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(order).toEqual({ status: 'notified', exception_type: null });
    expect(await p.db.selectFrom('invoices').select('order_id').where('order_id', '=', id).execute()).toEqual([]);
    // The chain stops at the dead letter: no loyalty points until it is replayed.
    expect(await p.db.selectFrom('loyalty_points').select('order_id').where('order_id', '=', id).execute()).toEqual([]);

    // The cause fixed (here: the service now issues), the letter replayed: invoiced once, the chain goes on.
    refusing = false;
    const { replayed, ordersPutBack } = await replayWithOrders(p.db, p.bus, p.names, [letter!]);
    expect(replayed).toHaveLength(1);
    expect(ordersPutBack).toBe(0);
    await eventually(async () => ((await p.db.selectFrom('invoices').select('order_id').where('order_id', '=', id).execute()).length === 1 ? true : undefined), 20_000, 'the invoice after replay');
    await eventually(async () => ((await p.db.selectFrom('loyalty_points').select('order_id').where('order_id', '=', id).execute()).length === 1 ? true : undefined), 20_000, 'points after replay');
    expect(issued).toBe(1);
  }, 90_000);
});
