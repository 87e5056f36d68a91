import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuyerMessage } from '../scripts/simulators/platforms/buyer-messages.ts';
import { startPlatformSimulator, type PlatformSimulator } from '../scripts/simulators/platforms/platform-simulator.ts';
import { TMALL, type TmallTrade } from '../scripts/simulators/platforms/tmall-platform.ts';
import { DEMO_CATALOGUE } from '../scripts/simulators/shop-orders.ts';
import { setStock } from '../sql/queries/inventory.ts';
import { submitPayload } from '../streams/submit.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

const times = { createdMs: Date.parse('2026-11-11T00:00:00+08:00'), modifiedMs: Date.parse('2026-11-11T00:00:05+08:00') };

/** A Tmall trade as Tmall hands it out: the receiver's number masked; with or without a virtual one. */
function trade(seq: number, virtual: boolean): { id: string; payload: TmallTrade } {
  const made = TMALL.create(seq, times);
  const { virtual_mobile: _none, ...masked } = made.payload;
  return { id: `tmall:${made.externalId}`, payload: virtual ? made.payload : (masked as TmallTrade) };
}

describe('a marketplace order with only a masked number', () => {
  let p: TestPipeline;
  let tmall: PlatformSimulator<TmallTrade>;
  const maskedOnly = trade(301, false);
  const withVirtual = trade(302, true);

  beforeAll(async () => {
    p = await createTestPipeline();
    for (const item of DEMO_CATALOGUE) await setStock(p.db, item.sku, 'suzhou', 1000);
    tmall = await startPlatformSimulator(TMALL);
    p.config.platformUrls = { tmall: tmall.url };
  });
  afterAll(async () => {
    await p?.close();
    await tmall?.close();
  });

  const buyerMessages = async (orderId: string): Promise<BuyerMessage[]> =>
    ((await (await fetch(`${tmall.url}/sim/buyer-messages?orderId=${encodeURIComponent(orderId)}`)).json()) as { messages: BuyerMessage[] }).messages;
  const sms = async (orderId: string): Promise<{ template: string; phone: string }[]> =>
    ((await (await fetch(`${p.sms.url}/sms?orderId=${encodeURIComponent(orderId)}`)).json()) as { messages: { template: string; phone: string }[] }).messages;

  it('is notified through the marketplace buyer-message API exactly once, even when its answer is lost and the message redelivered; the SMS gateway gets nothing for it', async () => {
    expect(maskedOnly.payload.receiver_mobile).toContain('*');
    // The platform's first answer comes after the notify call has given up (5 s): the message
    // is delivered again and asks again under the same key.
    tmall.faults.latencyMs = 6000;
    await p.startWorkers(undefined, { retryBaseMs: 100 });
    const encoder = new TextEncoder();
    await submitPayload(p.bus.js, p.names, 'tmall', encoder.encode(JSON.stringify(maskedOnly.payload)));
    await submitPayload(p.bus.js, p.names, 'tmall', encoder.encode(JSON.stringify(withVirtual.payload)));
    await eventually(async () => (tmall.stats().calls >= 1 ? true : undefined), 60_000, 'the first buyer-message call');
    tmall.faults.latencyMs = 0;

    const status = async (id: string) => (await p.db.selectFrom('orders').select('status').where('id', '=', id).executeTakeFirst())?.status;
    await eventually(async () => ((await status(maskedOnly.id)) === 'notified' && (await status(withVirtual.id)) === 'notified' ? true : undefined), 40_000, 'both orders notified');
    // The review reminder goes the same way, after notify.
    await eventually(async () => ((await buyerMessages(maskedOnly.payload.tid_str)).length === 2 ? true : undefined), 20_000, 'the review reminder');

    const messages = await buyerMessages(maskedOnly.payload.tid_str);
    expect(messages.map((m) => [m.template, m.key]).sort()).toEqual([
      ['being_packed', `${maskedOnly.id}:being_packed`],
      ['review_reminder', `${maskedOnly.id}:review_reminder`],
    ]);
    // It was asked again (the redelivery) and sent once: the first, slow call reaches the
    // platform after the second and finds its key already sent.
    const stats = await eventually(async () => {
      const now = (await (await fetch(`${tmall.url}/sim/buyer-messages/stats`)).json()) as { sent: number; duplicates: number };
      return now.duplicates >= 1 ? now : undefined;
    }, 15_000, 'the first, slow call to reach the platform');
    expect(stats.duplicates).toBeGreaterThanOrEqual(1);
    expect(stats.sent).toBe(2);
    expect(await sms(maskedOnly.id)).toEqual([]);
    const rows = await sql<{ n: number }>`select count(*)::int as n from notifications where order_id = ${maskedOnly.id} and kind = 'being_packed'`.execute(p.db);
    expect(rows.rows[0]!.n).toBe(1);

    // The order with a virtual number is texted there, and never goes through the platform.
    expect((await sms(withVirtual.id)).map((m) => [m.template, m.phone]).sort()).toEqual([
      ['being_packed', withVirtual.payload.virtual_mobile],
      ['review_reminder', withVirtual.payload.virtual_mobile],
    ]);
    expect(await buyerMessages(withVirtual.payload.tid_str)).toEqual([]);
  }, 90_000);
});
