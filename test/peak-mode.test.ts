import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DEMO_CATALOGUE, generateShopOrder } from '../scripts/simulators/shop-orders.ts';
import { setStock } from '../sql/queries/inventory.ts';
import { openPeakStore, type PeakSetting, type PeakStore } from '../streams/peak-mode.ts';
import { submitPayload } from '../streams/submit.ts';
import type { RunningWorkers } from '../workers/worker-process.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

describe('peak mode', () => {
  let p: TestPipeline;
  let store: PeakStore;
  const encoder = new TextEncoder();
  let seq = 50_000;
  const submit = async (n: number): Promise<string[]> => {
    const payloads = Array.from({ length: n }, () => generateShopOrder(seq++));
    await Promise.all(payloads.map((o) => submitPayload(p.bus.js, p.names, 'shop', encoder.encode(JSON.stringify(o)))));
    return payloads.map((o) => `shop:${String(o.id)}`);
  };
  const countWhere = async (ids: string[], status: string) =>
    Number((await p.db.selectFrom('orders').select(sql<number>`count(*)`.as('n')).where('id', 'in', ids).where('status', '=', status as 'notified').executeTakeFirstOrThrow()).n);
  const kinds = async (ids: string[], kind: string) =>
    Number((await p.db.selectFrom('notifications').select(sql<number>`count(*)`.as('n')).where('order_id', 'in', ids).where('kind', '=', kind).executeTakeFirstOrThrow()).n);
  const points = async (ids: string[]) => Number((await p.db.selectFrom('loyalty_points').select(sql<number>`count(*)`.as('n')).where('order_id', 'in', ids).executeTakeFirstOrThrow()).n);
  const force = async (setting: PeakSetting): Promise<void> => {
    for (;;) {
      const { state, revision } = await store.read();
      const active = setting === 'auto' ? state.active : setting === 'on';
      if (await store.replace({ ...state, setting, active, reason: `test: ${setting}`, changedBy: 'test' }, revision)) return;
    }
  };

  beforeAll(async () => {
    p = await createTestPipeline();
    for (const item of DEMO_CATALOGUE) await setStock(p.db, item.sku, 'suzhou', 100_000);
    store = await openPeakStore(p.bus, p.names);
  });
  afterAll(async () => {
    await p?.close();
  });

  it('forced on: core work goes on, non-core work waits in the deferred stream; forced off: it is replayed, each once', async () => {
    const workers = await p.startWorkers(undefined, {}, () => undefined, { sampleMs: 100, replayPerSecond: 500 });
    await force('on');
    await eventually(async () => (workers.peak.active() ? true : undefined), 5000, 'workers to see peak mode');
    const ids = await submit(20);
    // Core stages run: every order gets its waybill; the SMS, points and reminder wait.
    await eventually(async () => ((await countWhere(ids, 'waybilled')) === 20 ? true : undefined), 20_000, 'orders waybilled');
    await eventually(async () => ((await p.bus.jsm.streams.info(p.names.deferredStream)).state.messages === 20 ? true : undefined), 5000, '20 deferred');
    await new Promise((r) => setTimeout(r, 500));
    expect(await countWhere(ids, 'notified')).toBe(0);
    expect(await deferredCount(workers, 'notify')).toBe(20);

    await force('off');
    await eventually(async () => ((await kinds(ids, 'review_reminder')) === 20 ? true : undefined), 20_000, 'replayed through review');
    expect(await countWhere(ids, 'notified')).toBe(20);
    expect(await kinds(ids, 'being_packed')).toBe(20);
    expect(await points(ids)).toBe(20);
    const sms = (await (await fetch(`${p.sms.url}/stats`)).json()) as { byTemplate: Record<string, number> };
    expect(sms.byTemplate).toEqual({ being_packed: 20, review_reminder: 20 });
    expect((await p.bus.jsm.streams.info(p.names.deferredStream)).state.messages).toBe(0);
    expect(await replayedCount(workers, 'notify')).toBe(20);
    await workers.stop();
  }, 60_000);

  it('replays deferred work a cut-short pull took and never acknowledged, once its ack wait ends', async () => {
    const workers = await p.startWorkers(undefined, {}, () => undefined, { sampleMs: 100, replayPerSecond: 500 });
    await force('on');
    await eventually(async () => (workers.peak.active() ? true : undefined), 5000, 'workers to see peak mode');
    const ids = await submit(6);
    await eventually(async () => ((await p.bus.jsm.streams.info(p.names.deferredStream)).state.messages === 6 ? true : undefined), 20_000, '6 deferred');
    // A pull that took two messages and died before acknowledging them: they are no longer
    // pending for the replay consumer, only unacknowledged until the ack wait (3 s here) ends.
    const consumer = await p.bus.js.consumers.get(p.names.deferredStream, p.names.replayDurable('notify'));
    const taken = await consumer.fetch({ max_messages: 2, expires: 2000 });
    let held = 0;
    for await (const msg of taken) {
      void msg;
      if (++held === 2) break;
    }
    expect(held).toBe(2);
    await force('off');
    await eventually(async () => ((await kinds(ids, 'being_packed')) === 6 ? true : undefined), 20_000, 'all six notified, the two taken ones too');
    expect((await p.bus.jsm.streams.info(p.names.deferredStream)).state.messages).toBe(0);
    await workers.stop();
  }, 60_000);

  it('auto: enters after the inflow stayed high for the window, does not flap, and leaves after the cool-down', async () => {
    await force('auto');
    const workers = await p.startWorkers(undefined, {}, () => undefined, {
      sampleMs: 100,
      enterPerMinute: 120,
      enterWindowSeconds: 2,
      exitPerMinute: 60,
      cooldownSeconds: 2,
      replayPerSecond: 500,
    });
    const seen: boolean[] = [];
    const watcher = setInterval(() => seen.push(workers.peak.active()), 50);
    try {
      const ids: string[] = [];
      // About 50 orders/s (3,000/min, far over 120/min even on a slow machine) for about 3.5 s:
      // longer than the 2 s window.
      for (let i = 0; i < 35; i++) {
        ids.push(...(await submit(5)));
        await new Promise((r) => setTimeout(r, 100));
      }
      await eventually(async () => (workers.peak.active() ? true : undefined), 3000, 'peak mode entered');
      // Nothing comes in now: after the cool-down the mode ends and the deferred work is replayed.
      await eventually(async () => (!workers.peak.active() ? true : undefined), 8000, 'peak mode left');
      await eventually(async () => ((await kinds(ids, 'review_reminder')) === ids.length ? true : undefined), 40_000, 'everything replayed');
      expect(await kinds(ids, 'being_packed')).toBe(ids.length);
      expect(await points(ids)).toBe(ids.length);
      const { state } = await store.read();
      expect(state).toMatchObject({ setting: 'auto', active: false, changedBy: 'peak guard' });
    } finally {
      clearInterval(watcher);
      await workers.stop();
    }
    // On once, off once: no flapping.
    const changes = seen.filter((active, i) => i > 0 && active !== seen[i - 1]).length;
    expect(changes).toBe(2);
  }, 90_000);
});

async function deferredCount(workers: RunningWorkers, stage: string): Promise<number> {
  return (await workers.metrics.deferred.get()).values.filter((v) => v.labels.stage === stage).reduce((n, v) => n + v.value, 0);
}

async function replayedCount(workers: RunningWorkers, stage: string): Promise<number> {
  return (await workers.metrics.replayed.get()).values.filter((v) => v.labels.stage === stage).reduce((n, v) => n + v.value, 0);
}
