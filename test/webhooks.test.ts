import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOP } from '../scripts/simulators/platforms/shop-platform.ts';
import { TMALL } from '../scripts/simulators/platforms/tmall-platform.ts';
import { startWebhookServer, type WebhookServer } from '../workers/ingest/connectors/webhook-server.ts';
import { signWebhookBody } from '../workers/ingest/connectors/webhook-signature.ts';
import { webhookSecretsFromEnv } from '../workers/ingest/connectors/webhook-secrets.ts';
import { processPiiKeyring } from '../streams/pii/keyring.ts';
import { Secret } from '../workers/ingest/connectors/secret.ts';
import { saveShopAccount, shopLookup } from '../workers/ingest/connectors/shop-accounts.ts';
import { startConnectors } from '../workers/ingest/connectors/start-connectors.ts';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

const SHOP_SECRET = 'shop-webhook-secret-0123456789abcdef';
const TMALL_SECRET = 'tmall-relay-secret-0123456789abcdef';
/** The app secret of a Shopify store registered as a shop account: Shopify signs its webhooks with it. */
const STORE_SECRET = 'eu-store-app-secret-fedcba9876543210';

/** The same seq gives the same bytes: a retried delivery is byte for byte the first one. */
const PLACED = { createdMs: Date.parse('2026-11-11T10:00:00+08:00'), modifiedMs: Date.parse('2026-11-11T10:00:00+08:00') };

/** A Shopify order body and a Tmall trade body, as the platforms would send them. */
function shopBody(seq: number): { id: string; body: string } {
  const { payload } = SHOP.create(seq, PLACED);
  return { id: String(payload.id), body: JSON.stringify(payload) };
}
function tmallBody(seq: number): { id: string; body: string } {
  const { externalId, payload } = TMALL.create(seq, PLACED);
  return { id: externalId, body: JSON.stringify({ trade_fullinfo_get_response: { trade: payload } }) };
}

describe('webhooks', () => {
  let p: TestPipeline;
  let server: WebhookServer;

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const shopHeaders = (body: string, secret = SHOP_SECRET, topic = 'orders/create') => ({ 'x-shopify-topic': topic, 'x-shopify-hmac-sha256': signWebhookBody(secret, body) });
  const ingestStored = async () => (await p.bus.jsm.streams.info(p.names.stageStream('ingest'))).state.last_seq;
  const orderRow = (id: string) => p.db.selectFrom('orders').select(['id', 'channel', 'external_id']).where('id', '=', id).executeTakeFirst();

  beforeAll(async () => {
    p = await createTestPipeline();
    await p.startWorkers(['ingest', 'dedupe']);
    // Secrets as an operator sets them: one variable per channel.
    const secrets = webhookSecretsFromEnv({ ORDERSURGE_WEBHOOK_SECRET_SHOP: SHOP_SECRET, ORDERSURGE_WEBHOOK_SECRET_TMALL: TMALL_SECRET });
    server = await startWebhookServer({ js: p.bus.js, names: p.names, secrets, port: 0, maxBodyBytes: 64 * 1024, log: () => undefined });
  });
  afterAll(async () => {
    await server?.close();
    await p?.close();
  });

  it('accepts a correctly signed shop order only after JetStream stored it, and the order arrives', async () => {
    const { id, body } = shopBody(1001);
    const before = await ingestStored();
    const res = await post('/webhooks/shop', body, shopHeaders(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: true, duplicate: false });
    // Answered 200 means already stored: no waiting needed.
    expect(await ingestStored()).toBe(before + 1);
    const row = await eventually(() => orderRow(`shop:${id}`), 10_000, `shop:${id} in orders`);
    expect(row).toEqual({ id: `shop:${id}`, channel: 'shop', external_id: id });
  });

  it("accepts a shop order with 64-bit ids (Shopify's own sample id) and keeps every digit", async () => {
    const { payload } = SHOP.create(1003, PLACED);
    // JSON.stringify cannot write these numbers; the platform sends them as bare digits.
    const body = JSON.stringify({ ...payload, id: 0, customer: { id: 1 }, line_items: (payload.line_items as object[]).slice(0, 2).map((line, i) => ({ ...line, id: 2 + i })) })
      .replace('"id":0', '"id":820982911946154508')
      .replace('"id":1}', '"id":115310627314723954}')
      .replace('"id":2,', '"id":866550311766439020,')
      .replace('"id":3,', '"id":141249953214522974,');
    expect(body).toContain('"id":820982911946154508,');
    const res = await post('/webhooks/shop', body, shopHeaders(body));
    expect(res.status).toBe(200);
    const id = 'shop:820982911946154508';
    // Rounded through a double, the id would read shop:820982911946154500.
    const row = await eventually(() => orderRow(id), 10_000, `${id} in orders`);
    expect(row).toEqual({ id, channel: 'shop', external_id: '820982911946154508' });
    const lines = await p.db.selectFrom('order_lines').select('line_id').where('order_id', '=', id).orderBy('line_id').execute();
    expect(lines.map((l) => l.line_id)).toEqual(['141249953214522974', '866550311766439020']);
    const buyer = await p.db.selectFrom('orders').select('buyer').where('id', '=', id).executeTakeFirstOrThrow();
    expect(buyer.buyer).toBe('115310627314723954');
  });

  it('acks a retried delivery as a duplicate, so a platform retry is harmless', async () => {
    const { body } = shopBody(1001);
    const before = await ingestStored();
    const res = await post('/webhooks/shop', body, shopHeaders(body, SHOP_SECRET, 'orders/updated'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: true, duplicate: true });
    expect(await ingestStored()).toBe(before);
  });

  it("accepts another channel's delivery signed with its own secret in X-Ordersurge-Hmac-Sha256", async () => {
    const { id, body } = tmallBody(2001);
    const res = await post('/webhooks/tmall', body, { 'x-ordersurge-hmac-sha256': signWebhookBody(TMALL_SECRET, body) });
    expect(res.status).toBe(200);
    await eventually(() => orderRow(`tmall:${id}`), 10_000, `tmall:${id} in orders`);
  });

  it('refuses unsigned and wrongly signed deliveries with 401 and publishes nothing', async () => {
    const { id, body } = shopBody(1002);
    const tmall = tmallBody(2002);
    const before = await ingestStored();
    const rejectedBefore = server.stats.rejected.unauthorized;
    const attempts: [string, string, Record<string, string>][] = [
      ['/webhooks/shop', body, { 'x-shopify-topic': 'orders/create' }],
      ['/webhooks/shop', body, shopHeaders(body, 'another-secret-0123456789abcdef')],
      ['/webhooks/shop', body, { ...shopHeaders(body), 'x-shopify-hmac-sha256': 'bm90IGEgc2lnbmF0dXJl' }],
      // Signed, then changed on the way: the signature covers every byte.
      ['/webhooks/shop', body.replace('"financial_status":"paid"', '"financial_status":"refunded"').replace('"financial_status":"pending"', '"financial_status":"refunded"'), shopHeaders(body)],
      // Signed with the shop's secret: each channel has its own.
      ['/webhooks/tmall', tmall.body, { 'x-ordersurge-hmac-sha256': signWebhookBody(SHOP_SECRET, tmall.body) }],
      // Shopify's header is not the one other channels are checked by.
      ['/webhooks/tmall', tmall.body, { 'x-shopify-hmac-sha256': signWebhookBody(TMALL_SECRET, tmall.body) }],
    ];
    for (const [path, payload, headers] of attempts) {
      const res = await post(path, payload, headers);
      expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
      const answer = (await res.json()) as { error: string };
      expect(answer.error).toMatch(/^X-(Shopify|Ordersurge)-Hmac-Sha256: (missing|does not match)/);
    }
    expect(server.stats.rejected.unauthorized - rejectedBefore).toBe(attempts.length);
    expect(await ingestStored()).toBe(before);
    expect(await orderRow(`shop:${id}`)).toBeUndefined();
  });

  it('answers bad JSON 400, an unknown or switched-off channel 404, a GET 405, too large 413, each with a JSON error', async () => {
    const before = await ingestStored();
    const notJson = '{"id": 1,';
    const cases: [string, RequestInit, number, RegExp][] = [
      ['/webhooks/shop', { method: 'POST', body: notJson, headers: shopHeaders(notJson) }, 400, /^body: not valid JSON/],
      ['/webhooks/shop', { method: 'POST', body: '[1,2]', headers: shopHeaders('[1,2]') }, 400, /^body: must be a JSON object/],
      ['/webhooks/shop', { method: 'POST', body: '{}', headers: { 'x-shopify-hmac-sha256': signWebhookBody(SHOP_SECRET, '{}') } }, 400, /^X-Shopify-Topic: missing/],
      ['/webhooks/amazon', { method: 'POST', body: '{}' }, 404, /^unknown channel "amazon"/],
      ['/webhooks/jd', { method: 'POST', body: '{}' }, 404, /ORDERSURGE_WEBHOOK_SECRET_JD/],
      ['/webhooks/shop', { method: 'GET' }, 405, /not allowed/],
      ['/orders', { method: 'POST', body: '{}' }, 404, /POST \/webhooks\/CHANNEL/],
      ['/webhooks/shop', { method: 'POST', body: `{"note":"${'x'.repeat(100 * 1024)}"}` }, 413, /^body: larger than the maximum payload of 65536 bytes \(ORDERSURGE_MAX_PAYLOAD_BYTES\); an order this large is never accepted, do not retry it$/],
    ];
    for (const [path, init, status, error] of cases) {
      const res = await fetch(`${server.url}${path}`, init);
      expect(res.status, path).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(((await res.json()) as { error: string }).error, path).toMatch(error);
    }
    expect(await ingestStored()).toBe(before);
  });

  it('refuses a signed order over the configured maximum payload with 413 at once, not 503 "retry later" forever', async () => {
    // No maxBodyBytes: the server takes the limit every intake shares (512 KiB by default).
    const plain = await startWebhookServer({ js: p.bus.js, names: p.names, secrets: { shop: SHOP_SECRET }, port: 0, log: () => undefined });
    try {
      const body = JSON.stringify({ ...JSON.parse(shopBody(1500).body), note: 'x'.repeat(1536 * 1024) });
      const before = await ingestStored();
      const res = await fetch(`${plain.url}/webhooks/shop`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...shopHeaders(body) } });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: string }).error).toMatch(/^body: larger than the maximum payload of 524288 bytes \(ORDERSURGE_MAX_PAYLOAD_BYTES\)/);
      expect(await ingestStored()).toBe(before);
    } finally {
      await plain.close();
    }
  });

  it('answers a signed delivery of a topic without an order 200 and ignores it', async () => {
    const body = JSON.stringify({ id: 1, title: 'a product' });
    const before = await ingestStored();
    const res = await post('/webhooks/shop', body, shopHeaders(body, SHOP_SECRET, 'products/update'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: false, ignored: 'topic products/update carries no order' });
    expect(await ingestStored()).toBe(before);
  });

  it('takes a delivery to /webhooks/CHANNEL/SHOP as that shop account\'s order, checked against the registered accounts', async () => {
    const keyring = processPiiKeyring();
    const account = (code: string, channel: 'tmall' | 'shop', appSecret: string) => ({
      code, channel, displayName: code, apiBaseUrl: 'http://127.0.0.1:9', appKey: 'k', appSecret: new Secret(appSecret), accessToken: new Secret('t'), refreshToken: new Secret('r'), expiresAt: undefined,
    });
    await saveShopAccount(p.db, account('tmall-outlet', 'tmall', 'tmall-outlet-app-secret-0123'), keyring);
    await saveShopAccount(p.db, account('eu-store', 'shop', STORE_SECRET), keyring);
    const secrets = webhookSecretsFromEnv({ ORDERSURGE_WEBHOOK_SECRET_SHOP: SHOP_SECRET, ORDERSURGE_WEBHOOK_SECRET_TMALL: TMALL_SECRET });
    const perShop = await startWebhookServer({ js: p.bus.js, names: p.names, secrets, port: 0, shops: shopLookup(p.db, () => keyring), log: () => undefined });
    const send = (path: string, body: string, headers: Record<string, string>) => fetch(`${perShop.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    const shopOf = (id: string) => eventually(() => p.db.selectFrom('orders').select(['shop']).where('id', '=', id).executeTakeFirst(), 10_000, `${id} in orders`);
    try {
      // A relayed Tmall order of the outlet store, signed with the channel's relay secret.
      const tmall = tmallBody(1301);
      const relayed = await send('/webhooks/tmall/tmall-outlet', tmall.body, { 'x-ordersurge-hmac-sha256': signWebhookBody(TMALL_SECRET, tmall.body) });
      expect(relayed.status).toBe(200);
      expect((await shopOf(`tmall:${tmall.id}`)).shop).toBe('tmall-outlet');

      // A Shopify store registered as an account signs with its app secret, as Shopify does.
      const store = shopBody(1302);
      expect((await send('/webhooks/shop/eu-store', store.body, shopHeaders(store.body, STORE_SECRET))).status).toBe(200);
      expect((await shopOf(`shop:${store.id}`)).shop).toBe('eu-store');
      const channelSigned = await send('/webhooks/shop/eu-store', store.body, shopHeaders(store.body, SHOP_SECRET));
      expect(channelSigned.status).toBe(401);
      expect(await channelSigned.json()).toEqual({ error: "X-Shopify-Hmac-Sha256: does not match the body under shop account eu-store's app secret (wrong secret, or the body changed on the way)" });

      const before = await ingestStored();
      const unknown = await send('/webhooks/tmall/tmall-nope', tmall.body, { 'x-ordersurge-hmac-sha256': signWebhookBody(TMALL_SECRET, tmall.body) });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({ error: 'shop: no shop account "tmall-nope"; register it with `ordersurge shops add tmall-nope --channel tmall ...` (see `ordersurge shops list`)' });
      // Unsigned, a relay delivery is refused before the accounts are looked at: nothing to learn of them.
      const unsigned = await send('/webhooks/tmall/tmall-nope', tmall.body, {});
      expect(unsigned.status).toBe(401);
      const crossed = await send('/webhooks/shop/tmall-outlet', store.body, shopHeaders(store.body));
      expect(crossed.status).toBe(404);
      expect(await crossed.json()).toEqual({ error: 'shop: tmall-outlet is a tmall account, not shop' });
      expect(await ingestStored()).toBe(before);
      // The server without the accounts takes no shop but the channel's own.
      const noAccounts = await post('/webhooks/tmall/tmall-outlet', tmall.body, { 'x-ordersurge-hmac-sha256': signWebhookBody(TMALL_SECRET, tmall.body) });
      expect(noAccounts.status).toBe(404);
      expect(perShop.stats.rejected.not_found).toBe(2);
    } finally {
      await perShop.close();
    }
  });

  it("connect's webhook server (startConnectors) knows the registered shop accounts", async () => {
    const keyring = processPiiKeyring();
    await saveShopAccount(
      p.db,
      { code: 'tmall-flagship', channel: 'tmall', displayName: 'flagship', apiBaseUrl: 'http://127.0.0.1:9', appKey: 'k', appSecret: new Secret('tmall-flagship-secret-0123'), accessToken: new Secret('t'), refreshToken: new Secret('r'), expiresAt: undefined },
      keyring,
    );
    const secrets = webhookSecretsFromEnv({ ORDERSURGE_WEBHOOK_SECRET_TMALL: TMALL_SECRET });
    const connectors = await startConnectors({ js: p.bus.js, names: p.names, db: p.db, keyring, webhook: { port: 0, secrets }, log: () => undefined });
    try {
      const { id, body } = tmallBody(1401);
      const res = await fetch(`${connectors.webhook!.url}/webhooks/tmall/tmall-flagship`, { method: 'POST', body, headers: { 'x-ordersurge-hmac-sha256': signWebhookBody(TMALL_SECRET, body) } });
      expect(res.status).toBe(200);
      const row = await eventually(() => p.db.selectFrom('orders').select(['shop']).where('id', '=', `tmall:${id}`).executeTakeFirst(), 10_000, `tmall:${id} in orders`);
      expect(row.shop).toBe('tmall-flagship');
    } finally {
      await connectors.stop();
    }
  });

  it('refuses webhook secrets too short to be safe, naming the variable', () => {
    expect(() => webhookSecretsFromEnv({ ORDERSURGE_WEBHOOK_SECRET_PDD: 'short' })).toThrow(/^ORDERSURGE_WEBHOOK_SECRET_PDD: must be at least 16 characters, got 5$/);
  });
});
