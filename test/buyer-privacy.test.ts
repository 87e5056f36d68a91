import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOUYIN } from '../scripts/simulators/platforms/douyin-platform.ts';
import { JD } from '../scripts/simulators/platforms/jd-platform.ts';
import { PDD } from '../scripts/simulators/platforms/pdd-platform.ts';
import type { PlatformDefinition } from '../scripts/simulators/platforms/platform-simulator.ts';
import { POS } from '../scripts/simulators/platforms/pos-platform.ts';
import { TMALL } from '../scripts/simulators/platforms/tmall-platform.ts';
import { DEMO_CATALOGUE, generateShopOrder } from '../scripts/simulators/shop-orders.ts';
import { setStock } from '../sql/queries/inventory.ts';
import type { Channel } from '../streams/canonical-order.ts';
import { listDeadLetters, replayDeadLetters } from '../streams/dead-letter.ts';
import { STAGES } from '../streams/pipeline.ts';
import { processPiiKeyring } from '../streams/pii/keyring.ts';
import { isSealedBody, openBody } from '../streams/pii/sealed-body.ts';
import { submitPayload } from '../streams/submit.ts';
import { adapterFor } from '../workers/ingest/adapters/index.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const decoder = new TextDecoder();
const times = { createdMs: Date.parse('2026-11-11T00:00:00+08:00'), modifiedMs: Date.parse('2026-11-11T00:00:05+08:00') };

interface Submitted {
  id: string;
  channel: Channel;
  payload: unknown;
  /** Where the SMS must go: the buyer's own number, or the marketplace's virtual one. */
  smsTo: string;
}

function fromPlatform<P>(def: PlatformDefinition<P>, seq: number, change: (payload: P) => P = (p) => p): { id: string; payload: P } {
  const made = def.create(seq, times);
  return { id: `${def.channel}:${made.externalId}`, payload: change(made.payload) };
}

// Web-shop buyers as people write them: a street in two parts, one of them only in address2.
const SHOP_BUYERS: Record<number, { name: string; address1: string; address2: string }> = {
  101: { name: '林伟', address1: '星湖街 328 号', address2: '2 栋 1201 室' },
  102: { name: 'Zhang Xiaoming', address1: '金鸡湖大道 1355 号', address2: '' },
  103: { name: '欧阳娜娜', address1: '干将西路 1188 号', address2: '紫金苑 7 幢' },
};

/** Own-channel orders carry the buyer's number; marketplace orders a masked one and a virtual one. */
function orders(): Submitted[] {
  const list: Submitted[] = [];
  for (const seq of [101, 102, 103]) {
    const payload = generateShopOrder(seq);
    // One number written the way a buyer types it: it must be found and sealed all the same.
    const phone = seq === 103 ? '+86 139 0000 0103' : `1390000${String(seq).padStart(4, '0')}`;
    const person = SHOP_BUYERS[seq]!;
    const shipping = { ...(payload.shipping_address as Record<string, unknown>), ...person, phone };
    const withPhone = { ...payload, shipping_address: shipping, billing_address: { phone, name: person.name, address1: person.address1 } };
    list.push({ id: `shop:${String(payload.id)}`, channel: 'shop', payload: withPhone, smsTo: phone });
  }
  for (const seq of [112, 114]) {
    const { id, payload } = fromPlatform(POS, seq, (t) => ({ ...t, delivery: { ...t.delivery!, phone: `1370000${seq}0` } }));
    list.push({ id, channel: 'pos', payload, smsTo: `1370000${seq}0` });
  }
  const virtual = (seq: number): string => `170${String(seq).padStart(8, '0')}`;
  for (const [def, seq] of [[TMALL, 121], [JD, 122], [DOUYIN, 123], [PDD, 124]] as const) {
    const { id, payload } = fromPlatform(def as PlatformDefinition<unknown>, seq);
    list.push({ id, channel: def.channel, payload, smsTo: virtual(seq) });
  }
  // A platform that still hands out the buyer's full number: it is what reaches the buyer.
  const old = fromPlatform(TMALL, 126, (t) => {
    const { virtual_mobile: _none, ...rest } = t;
    return { ...rest, receiver_mobile: '13600000126' } as typeof t;
  });
  list.push({ ...old, channel: 'tmall', smsTo: '13600000126' });
  return list;
}

/**
 * Payloads ingest refuses (a negative quantity; a body that is not JSON), holding a phone, a name
 * and a street all the same: they wait in the dead-letter stream, where none may be in clear.
 */
function refused(): { channel: Channel; body: string }[] {
  const bad = generateShopOrder(190);
  const items = (bad.line_items as Record<string, unknown>[]).map((l) => ({ ...l, quantity: -1 }));
  const shipping = { ...(bad.shipping_address as Record<string, unknown>), name: '司马相如', address1: '十全街 86 号', address2: '', phone: '13900000190' };
  return [
    { channel: 'shop', body: JSON.stringify({ ...bad, line_items: items, shipping_address: shipping }) },
    { channel: 'shop', body: '{"shipping_address":{"name":"诸葛亮","address1":"观前街 12 号","phone":"13900000191"}, oops' },
  ];
}
const REFUSED = refused();
const REFUSED_NEEDLES = ['13900000190', '司马相如', '十全街 86 号', '13900000191', '诸葛亮', '观前街 12 号'];

/**
 * The receivers' names and street addresses the test payloads held, as the adapters read them
 * (platforms that mask the name themselves give nothing to find), and each part of a street
 * that a payload gives in parts.
 */
function personNeedles(submitted: readonly Submitted[]): string[] {
  const found = new Set<string>();
  for (const s of submitted) {
    const result = adapterFor(s.channel)(s.payload);
    if (!result.ok) throw new Error(`${s.id} does not normalize`);
    const c = result.order.address.contact!;
    for (const value of [c.receiver, c.street, c.detail]) if (value.trim().length >= 2 && !value.includes('*')) found.add(value.trim());
  }
  for (const person of Object.values(SHOP_BUYERS)) for (const part of [person.address1, person.address2]) if (part !== '') found.add(part);
  return [...found];
}

/** Every number the test payloads held (under a phone key, not masked), as given and as digits. */
function phoneNeedles(submitted: readonly Submitted[]): string[] {
  const numbers = new Set<string>();
  const walk = (value: unknown, key: string): void => {
    if (typeof value === 'string') {
      if (/phone|mobile|tel/i.test(key) && /\d{4}/.test(value) && !value.includes('*')) numbers.add(value);
    } else if (Array.isArray(value)) value.forEach((v) => walk(v, key));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k);
  };
  for (const s of submitted) walk(s.payload, '');
  const national = [...numbers].map((n) => n.replace(/^\+86/, '').replace(/\D/g, ''));
  return [...new Set([...numbers, ...national])];
}

describe('buyer privacy: no phone number, receiver or street at rest, the SMS reaches the buyer', () => {
  let p: TestPipeline;
  const logs: string[] = [];
  const submitted = orders();
  const needles = (): string[] => [...phoneNeedles(submitted), ...personNeedles(submitted), ...REFUSED_NEEDLES];
  let inFlight = '';

  /** Every message stored in every stream of the test's namespace, dead letters included. */
  async function streamText(): Promise<string> {
    let all = '';
    for await (const info of p.bus.jsm.streams.list()) {
      if (!info.config.name.startsWith(`${p.names.namespace}-`) || info.state.messages === 0) continue;
      for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
        const msg = await p.bus.jsm.streams.getMessage(info.config.name, { seq }).catch(() => undefined);
        if (msg) all += `${decoder.decode(msg.data)}\n`;
      }
    }
    return all;
  }

  beforeAll(async () => {
    p = await createTestPipeline();
    for (const item of DEMO_CATALOGUE) await setStock(p.db, item.sku, 'suzhou', 1000);
    // Ingest alone first, so the orders wait in the dedupe stream (canonical order and raw
    // payload) where the stream check below can read them; a work queue forgets what was acked.
    await p.startWorkers(['ingest'], {}, (line) => logs.push(line));
    for (const s of submitted) await submitPayload(p.bus.js, p.names, s.channel, encode(s.payload));
    for (const r of REFUSED) await submitPayload(p.bus.js, p.names, r.channel, new TextEncoder().encode(r.body));
    await eventually(async () => ((await p.bus.jsm.streams.info(p.names.stageStream('dedupe'))).state.messages === submitted.length ? true : undefined), 20_000, 'every order waiting at dedupe');
    await eventually(async () => ((await p.bus.jsm.streams.info(p.names.deadLetterStream)).state.messages === REFUSED.length ? true : undefined), 20_000, 'the refused payloads dead-lettered');
    inFlight = await streamText();
    await p.startWorkers(STAGES.filter((s) => s !== 'ingest'), {}, (line) => logs.push(line));
    await eventually(
      async () => {
        const rows = await p.db.selectFrom('orders').select(['id', 'status']).where('id', 'in', submitted.map((s) => s.id)).execute();
        return rows.length === submitted.length && rows.every((r) => r.status === 'notified') ? rows : undefined;
      },
      30_000,
      'every order notified',
    );
  }, 60_000);
  afterAll(async () => {
    await p?.close();
  });

  it('found the numbers, names and streets it looks for (the search below can fail)', () => {
    const phones = phoneNeedles(submitted);
    expect(phones).toEqual(expect.arrayContaining(['13900000101', '+86 139 0000 0103', '13900000103', '13700001120', '13600000126', '17000000121', '17000000124']));
    const people = personNeedles(submitted);
    expect(people).toEqual(expect.arrayContaining(['林伟', '星湖街 328 号', '2 栋 1201 室', 'Zhang Xiaoming', '欧阳娜娜', '紫金苑 7 幢']));
    // The marketplace orders' receivers and streets are searched for too.
    expect(people.length).toBeGreaterThanOrEqual(Object.keys(SHOP_BUYERS).length * 3 + 4);
    expect(needles().filter((n) => n.includes('*'))).toEqual([]);
  });

  it('keeps a refused payload sealed in the dead-letter stream, and a replay reads it again', async () => {
    const letters = await listDeadLetters(p.bus.js, p.bus.jsm, p.names, { stage: 'ingest' });
    expect(letters).toHaveLength(REFUSED.length);
    const bodies = REFUSED.map((r) => r.body);
    for (const letter of letters) {
      expect(isSealedBody(letter.payload)).toBe(true);
      // Opened, it is the payload as submitted, byte for byte: nothing is lost by sealing it.
      expect(bodies).toContain(new TextDecoder().decode(openBody(letter.payload, processPiiKeyring())));
      for (const needle of REFUSED_NEEDLES) expect(letter.error, needle).not.toContain(needle);
    }
    const negative = letters.find((l) => l.error.includes('quantity'));
    expect(negative, letters.map((l) => l.error).join(' | ')).toBeDefined();
    // Replayed, ingest opens the sealed payload and refuses it for the same field again (not as a
    // body it cannot read), sealed again in the dead-letter stream.
    await replayDeadLetters(p.bus.js, p.bus.jsm, p.names, [negative!]);
    const again = await eventually(async () => {
      const now = await listDeadLetters(p.bus.js, p.bus.jsm, p.names, { stage: 'ingest' });
      return now.find((l) => l.seq !== negative!.seq && !letters.some((o) => o.seq === l.seq));
    }, 20_000, 'the replayed payload refused again');
    expect(again.error).toBe(negative!.error);
    expect(isSealedBody(again.payload)).toBe(true);
  });

  it('sends the SMS to the buyer own number on own channels and to the virtual number on marketplaces, never a masked one', async () => {
    for (const s of submitted) {
      const answer = (await (await fetch(`${p.sms.url}/sms?orderId=${encodeURIComponent(s.id)}`)).json()) as { messages: { template: string; phone: string }[] };
      expect(answer.messages.filter((m) => m.template === 'being_packed').map((m) => m.phone), s.id).toEqual([s.smsTo]);
      for (const m of answer.messages) expect(m.phone, `${s.id} ${m.template}`).toBe(s.smsTo);
    }
  });

  it('keeps no phone number, receiver or street in clear in any row of any table, raw payloads included', async () => {
    const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(p.db);
    expect(tables.rows.map((t) => t.table_name)).toEqual(expect.arrayContaining(['orders', 'order_lines', 'order_events', 'notifications', 'shipments']));
    let dump = '';
    for (const { table_name } of tables.rows) {
      const rows = await sql<{ row: string }>`select row_to_json(t)::text as row from ${sql.table(table_name)} t`.execute(p.db);
      dump += rows.rows.map((r) => r.row).join('\n');
    }
    // The dump is the real thing: it holds the orders, with their (sealed) raw payloads.
    for (const s of submitted) expect(dump).toContain(s.id);
    expect(dump).toContain('"raw"');
    for (const needle of needles()) expect(dump, needle).not.toContain(needle);
  });

  it('keeps no phone number, receiver or street in clear in any message of any stream, dead letters included, while orders wait between stages and after the run', async () => {
    // What waited at dedupe is the real thing: every canonical order with its raw payload.
    for (const s of submitted) expect(inFlight).toContain(`"id":"${s.id}"`);
    expect(inFlight).toContain('"raw"');
    const all = inFlight + (await streamText());
    // The dead letters are read too: the refused payloads are in there.
    expect((await p.bus.jsm.streams.info(p.names.deadLetterStream)).state.messages).toBeGreaterThanOrEqual(REFUSED.length);
    for (const needle of needles()) expect(all, needle).not.toContain(needle);
  });

  it('logs no phone number, receiver or street', () => {
    const text = logs.join('\n');
    for (const needle of needles()) expect(text, needle).not.toContain(needle);
  });
});
