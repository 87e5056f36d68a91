import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { countCheckCommand } from '../cli/commands/count-check.ts';
import type { PlatformOrder } from '../scripts/simulators/platforms/order-store.ts';
import type { PlatformSimulator } from '../scripts/simulators/platforms/platform-simulator.ts';
import { startPlatformSimulators, type PlatformSimulators } from '../scripts/simulators/platforms/start-platform-simulators.ts';
import type { Channel } from '../streams/canonical-order.ts';
import { submitPayload } from '../streams/submit.ts';
import { parseChinaDay } from '../workers/ingest/connectors/china-clock.ts';
import { checkDailyCounts, compareDay } from '../workers/ingest/connectors/count-check.ts';
import { platformApiFor } from '../workers/ingest/connectors/platforms/platform-api-for.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

const DAY = parseChinaDay('2026-11-11')!;
const at = (chinaTime: string) => new Date(`${chinaTime}+08:00`);

describe('daily count check', () => {
  let p: TestPipeline;
  let sims: PlatformSimulators;
  const encoder = new TextEncoder();
  /** Orders of the sale day, including both ends of it, and one on each neighbouring day. */
  const seed = (sim: PlatformSimulator<unknown>) => ({
    dayBefore: sim.addOrder({ createdAt: at('2026-11-10T23:59:59') }),
    midnight: sim.addOrder({ createdAt: at('2026-11-11T00:00:00') }),
    noon: sim.addOrder({ createdAt: at('2026-11-11T12:00:00') }),
    evening: sim.addOrder({ createdAt: at('2026-11-11T20:30:00') }),
    lastSecond: sim.addOrder({ createdAt: at('2026-11-11T23:59:59') }),
    dayAfter: sim.addOrder({ createdAt: at('2026-11-12T00:00:00') }),
  });
  const ingest = (channel: Channel, orders: PlatformOrder<unknown>[]) =>
    Promise.all(orders.map((o) => submitPayload(p.bus.js, p.names, channel, encoder.encode(JSON.stringify(o.payload)))));
  const ingestedCount = async () => (await p.db.selectFrom('orders').select('id').execute()).length;
  let jd: ReturnType<typeof seed>;
  let shop: ReturnType<typeof seed>;
  let pos: ReturnType<typeof seed>;

  beforeAll(async () => {
    p = await createTestPipeline();
    await p.startWorkers(['ingest', 'dedupe']);
    sims = await startPlatformSimulators({ channels: ['jd', 'shop', 'pos'], firstSeq: 10_000 });
    jd = seed(sims.simulators.jd! as PlatformSimulator<unknown>);
    shop = seed(sims.simulators.shop! as PlatformSimulator<unknown>);
    pos = seed(sims.simulators.pos! as PlatformSimulator<unknown>);
    // Everything reaches Postgres except two of JD's orders of the day (say, lost to a connector
    // outage longer than any overlap).
    await ingest('jd', [jd.dayBefore, jd.midnight, jd.evening, jd.dayAfter]);
    await ingest('shop', Object.values(shop));
    await ingest('pos', Object.values(pos));
    await eventually(async () => ((await ingestedCount()) === 16 ? true : undefined), 15_000, '16 orders ingested');
  });
  afterAll(async () => {
    await sims?.close();
    await p?.close();
  });

  it('finds the gap and lists exactly the missing ids, counting China-time days edge to edge', async () => {
    const apis = (['jd', 'shop', 'pos'] as const).map((c) => platformApiFor(c, { baseUrl: sims.urls[c]! }));
    const results = await checkDailyCounts(p.db, apis, DAY, AbortSignal.timeout(10_000));
    expect(results).toEqual([
      { channel: 'jd', platform: 4, ingested: 2, missing: [jd.noon.externalId, jd.lastSecond.externalId].sort(), extra: [], ok: false },
      { channel: 'shop', platform: 4, ingested: 4, missing: [], extra: [], ok: true },
      { channel: 'pos', platform: 4, ingested: 4, missing: [], extra: [], ok: true },
    ]);
  });

  it('compares counts alone when a platform cannot list ids, and reports ids we have that it does not', () => {
    expect(compareDay('jd', { count: 3, externalIds: undefined }, ['1', '2'])).toEqual({ channel: 'jd', platform: 3, ingested: 2, missing: undefined, extra: undefined, ok: false });
    expect(compareDay('jd', { count: 2, externalIds: ['1', '2'] }, ['1', '3'])).toEqual({ channel: 'jd', platform: 2, ingested: 2, missing: ['2'], extra: ['3'], ok: false });
  });

  it('`ordersurge count-check` prints the table, exits 1 on a gap and 0 once it is closed', async () => {
    const run = async (): Promise<{ code: number | string | undefined; out: string }> => {
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
      const saved = { url: process.env.DATABASE_URL, code: process.exitCode };
      process.env.DATABASE_URL = p.databaseUrl;
      try {
        const { jd: jdUrl, shop: shopUrl, pos: posUrl } = sims.urls;
        const args = ['--date', '2026-11-11', '--platform-url', `jd=${jdUrl}`, '--platform-url', `shop=${shopUrl}`, '--platform-url', `pos=${posUrl}`];
        await countCheckCommand().exitOverride().parseAsync(args, { from: 'user' });
        return { code: process.exitCode, out: log.mock.calls.map((c) => String(c[0])).join('\n') };
      } finally {
        log.mockRestore();
        if (saved.url === undefined) delete process.env.DATABASE_URL;
        else process.env.DATABASE_URL = saved.url;
        process.exitCode = saved.code ?? 0;
      }
    };

    const gap = await run();
    expect(gap.code).toBe(1);
    expect(gap.out).toContain('orders of 2026-11-11 (China time)');
    expect(gap.out).toMatch(/^jd\s+4\s+2\s+2\s+0\s+GAP$/m);
    expect(gap.out).toMatch(/^shop\s+4\s+4\s+0\s+0\s+ok$/m);
    expect(gap.out).toContain(`jd missing: ${[jd.noon.externalId, jd.lastSecond.externalId].sort().join(', ')}`);

    await ingest('jd', [jd.noon, jd.lastSecond]);
    await eventually(async () => ((await ingestedCount()) === 18 ? true : undefined), 15_000, 'the two missing orders ingested');
    const closed = await run();
    expect(closed.code).toBe(0);
    expect(closed.out).toContain('every channel matches');
  });
});
