import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../sql/database.ts';
import { flagExceptions } from '../sql/queries/orders.ts';
import { openPeakStore } from '../streams/peak-mode.ts';
import { STAGES } from '../streams/pipeline.ts';
import { consoleActions } from '../tui/console-actions.ts';
import { openConsoleSource, type ConsoleSource } from '../tui/console-source.ts';
import { retryExceptions } from '../workers/exception-retry.ts';
import type { RunningWorkers } from '../workers/worker-process.ts';
import { createTestPipeline, eventually, insertPricedOrder, type TestPipeline } from './pipeline-harness.ts';

describe('the console against a live pipeline', () => {
  let p: TestPipeline;
  let source: ConsoleSource;
  let workers: RunningWorkers;

  beforeAll(async () => {
    p = await createTestPipeline();
    // notify only: what is handed to routing stays in its queue for the test to see.
    workers = await p.startWorkers(['notify']);
    source = openConsoleSource({ bus: p.bus, db: p.db, names: p.names, peak: { enterPerMinute: 50, exitPerMinute: 40 }, stagesEveryMs: 200, ordersEveryMs: 200, kpisEveryMs: 500 });
    await source.ready();
  });
  afterAll(async () => {
    await source?.close();
    await p?.close();
  });

  it('lists every stage, peak mode and the worker process from its heartbeat', async () => {
    const data = await eventually(async () => {
      const d = source.current();
      return d.workers.some((w) => w.pid === process.pid) ? d : undefined;
    }, 10_000, 'the heartbeat');
    expect(data.stages.map((s) => s.stage)).toEqual(['ingest', 'dedupe', 'pricing', 'routing', 'pick', 'waybill', 'notify', 'invoice', 'points', 'review']);
    expect(data.nats).toEqual({ up: true });
    expect(data.postgres).toEqual({ up: true });
    expect(data.peak?.state.setting).toBe('auto');
    const me = data.workers.find((w) => w.pid === process.pid)!;
    expect(me.stages).toEqual(['notify']);
    expect(me.inFlight).toEqual({ notify: 0 });
    expect(me.rssBytes).toBeGreaterThan(0);
    expect(data.kpis.status).not.toBe('loading');
  });

  it('p: sets peak mode through the same code as ordersurge peak', async () => {
    const actions = consoleActions(p.bus, p.db, p.names, 'test');
    expect(await actions.run({ kind: 'setPeak', setting: 'on' })).toBe('peak mode ON (setting on)');
    const { state } = await (await openPeakStore(p.bus, p.names)).read();
    expect(state).toMatchObject({ setting: 'on', active: true, changedBy: 'ordersurge tui (test)' });
    await eventually(async () => (source.current().peak?.state.active ? true : undefined), 5000, 'the console to see peak mode');
    await actions.run({ kind: 'setPeak', setting: 'auto' });
  });

  it('r on an exception: back to the status of the stage that raised it, handed to that stage, once', async () => {
    await insertPricedOrder(p.db, { id: 'shop:console-1', sku: 'NO-STOCK', qty: 1 });
    await flagExceptions(p.db, [{ orderId: 'shop:console-1', type: 'backorder', detail: 'backorder: NO-STOCK short by 1' }], 'priced');
    const listed = await eventually(async () => (await source.exceptions(10)).find((o) => o.id === 'shop:console-1'), 5000, 'the exception listed');
    expect(listed).toMatchObject({ type: 'backorder', detail: 'backorder: NO-STOCK short by 1' });
    const before = (await p.bus.jsm.streams.info(p.names.stageStream('routing'))).state.messages;
    expect(await retryExceptions(p.db, p.bus.js, p.names, [listed])).toBe(1);
    const order = await p.db.selectFrom('orders').select(['status', 'exception_type']).where('id', '=', 'shop:console-1').executeTakeFirstOrThrow();
    expect(order).toEqual({ status: 'priced', exception_type: null });
    expect((await p.bus.jsm.streams.info(p.names.stageStream('routing'))).state.messages).toBe(before + 1);
    // A second retry (another operator, a double key press) moves and sends nothing.
    expect(await retryExceptions(p.db, p.bus.js, p.names, [listed])).toBe(0);
  });

  it('a worker that stops is gone from the list at once', async () => {
    await workers.stop();
    await eventually(async () => (source.current().workers.some((w) => w.pid === process.pid) ? undefined : true), 5000, 'the worker gone');
  });

  it('keeps reading NATS and says "Postgres away" when Postgres does not answer', async () => {
    // A port nothing listens on: every query fails at once, as during a Postgres restart.
    const gone = createDb('postgres://postgres@127.0.0.1:1/none', 1);
    const away = openConsoleSource({ bus: p.bus, db: gone, names: p.names, peak: { enterPerMinute: 50, exitPerMinute: 40 }, stagesEveryMs: 200, ordersEveryMs: 200, kpisEveryMs: 500 });
    try {
      await away.ready();
      const data = await eventually(async () => {
        const d = away.current();
        return d.stages.length === STAGES.length && !d.postgres.up ? d : undefined;
      }, 10_000, 'stages read while Postgres is away');
      expect(data.nats).toEqual({ up: true });
      expect(data.kpis.status).toBe('unavailable');
    } finally {
      await away.close();
      await gone.destroy();
    }
  });
});
