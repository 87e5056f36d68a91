import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JetStreamClient } from '@nats-io/jetstream';
import { CHANNELS, channelSchema, type Channel } from '../../../streams/canonical-order.ts';
import type { AdmissionGate } from '../../../streams/admission.ts';
import type { Names } from '../../../streams/names.ts';
import { maxPayloadBytes } from '../../../streams/payload-limit.ts';
import { submitPayload } from '../../../streams/submit.ts';
import { errorText } from '../../error-text.ts';
import { signatureHeaderOf, verifyWebhookBody } from './webhook-signature.ts';
import { webhookSecretVar, type WebhookSecrets } from './webhook-secrets.ts';
import { namedShop, ShopNotValidError, type NamedShop, type ShopLookup } from './shop-accounts.ts';

/** Shopify topics whose body is a whole order; the pipeline takes every one as a new version. */
export const SHOP_ORDER_TOPICS: ReadonlySet<string> = new Set([
  'orders/create',
  'orders/updated',
  'orders/paid',
  'orders/cancelled',
  'orders/fulfilled',
  'orders/partially_fulfilled',
]);

export interface WebhookServerOptions {
  js: JetStreamClient;
  names: Names;
  secrets: WebhookSecrets;
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1: put a TLS-terminating proxy in front, or pass 0.0.0.0 deliberately. */
  host?: string;
  /** Larger bodies are refused with 413; default the configured maximum payload (`ORDERSURGE_MAX_PAYLOAD_BYTES`). */
  maxBodyBytes?: number;
  /** While it is closed (the core backlog at its limit) deliveries get 429 with Retry-After: the platform keeps them and sends them again. */
  admission?: AdmissionGate;
  /** The registered shop accounts, for deliveries to `/webhooks/CHANNEL/SHOP`; without it only the channel's default account is taken. */
  shops?: ShopLookup;
  log?: (line: string) => void;
}

/** Why a delivery was refused, as counted. */
export type WebhookRejection = 'not_found' | 'method' | 'too_large' | 'unauthorized' | 'bad_request' | 'saturated' | 'publish_failed';

export interface WebhookStats {
  /** Deliveries queued (JetStream stored them). */
  accepted: number;
  /** Deliveries JetStream already had (a platform retrying a delivery we answered). */
  duplicates: number;
  /** Signed deliveries of topics that carry no order, answered 200 so they are not retried. */
  ignored: number;
  rejected: Record<WebhookRejection, number>;
}

export interface WebhookServer {
  port: number;
  /** Base URL; deliveries go to `${url}/webhooks/CHANNEL` or `${url}/webhooks/CHANNEL/SHOP`. */
  url: string;
  stats: WebhookStats;
  /** Stops accepting; deliveries being published are answered first. */
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  rejection?: WebhookRejection;
  retryAfterSeconds?: number;
}

const ROUTE = /^\/webhooks\/([^/]+)(?:\/([^/]+))?\/?$/;

/**
 * Receives order webhooks at `POST /webhooks/:channel` and `POST /webhooks/:channel/:shop` and
 * publishes each body, byte for byte, into ingest; the order belongs to the shop account the path
 * names (checked against the registered accounts: it must exist and be of that channel), else to
 * the channel's default account. The body must be signed: base64 HMAC-SHA256 of the raw body with
 * the channel's secret, in `X-Shopify-Hmac-Sha256` for shop and `X-Ordersurge-Hmac-Sha256` for the
 * others; a Shopify store registered as a shop account signs with its app secret, as Shopify does.
 * Answers: 200 once JetStream has acked the publish (so a platform that gets anything else
 * retries); 401 unsigned or wrongly signed; 400 not a JSON object, or a shop delivery without
 * `X-Shopify-Topic`; 404 unknown channel or shop account, a shop account of another channel, or a
 * channel whose secret is not set; 405 not POST; 413 too large; 429 with Retry-After while the
 * core backlog is at its limit; 503 the publish failed, or the shop accounts could not be read.
 * Every error body is `{"error": "..."}`.
 *
 * @example
 * const server = await startWebhookServer({ js, names, secrets: webhookSecretsFromEnv(), port: 8080 });
 */
export async function startWebhookServer(opts: WebhookServerOptions): Promise<WebhookServer> {
  const log = opts.log ?? ((line: string) => console.error(line));
  // The limit every intake shares: a body NATS or ingest would refuse later is refused here, once.
  const maxBody = opts.maxBodyBytes ?? maxPayloadBytes();
  const stats: WebhookStats = {
    accepted: 0,
    duplicates: 0,
    ignored: 0,
    rejected: { not_found: 0, method: 0, too_large: 0, unauthorized: 0, bad_request: 0, saturated: 0, publish_failed: 0 },
  };

  const handle = async (req: http.IncomingMessage, readBody: () => Promise<Uint8Array | undefined>): Promise<Answer> => {
    const route = ROUTE.exec(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (!route) return reject(404, 'not_found', 'not found: deliveries go to POST /webhooks/CHANNEL or /webhooks/CHANNEL/SHOP');
    const name = decodeURIComponent(route[1]!);
    const parsed = channelSchema.safeParse(name);
    if (!parsed.success) return reject(404, 'not_found', `unknown channel ${JSON.stringify(name)}: one of ${CHANNELS.join(', ')}`);
    const channel: Channel = parsed.data;
    const code = route[2] === undefined ? undefined : decodeURIComponent(route[2]);
    const resolveShop = async (named: string): Promise<{ shop: NamedShop | undefined } | { refused: Answer }> => {
      if (!opts.shops && named !== channel) return { refused: reject(404, 'not_found', `shop ${JSON.stringify(named)}: this server does not know the shop accounts; deliver to /webhooks/${channel}`) };
      try {
        return { shop: opts.shops ? await namedShop(channel, named, opts.shops) : undefined };
      } catch (error) {
        if (error instanceof ShopNotValidError) return { refused: reject(404, 'not_found', error.message) };
        log(`webhook ${channel}/${named}: could not read the shop account (the platform will retry): ${errorText(error)}`);
        return { refused: reject(503, 'publish_failed', `could not check shop account ${named}, retry later`) };
      }
    };
    let shop: NamedShop | undefined;
    // Only a Shopify store's secret depends on its account: every other delivery is authenticated
    // first, so an unsigned caller learns nothing of the accounts and costs no query.
    if (channel === 'shop' && code !== undefined) {
      const resolved = await resolveShop(code);
      if ('refused' in resolved) return resolved.refused;
      shop = resolved.shop;
    }
    // Shopify signs a store's webhooks with its app's secret; relays sign with the channel's.
    const storeSecret = channel === 'shop' && shop?.appSecret && !shop.appSecret.isEmpty ? shop.appSecret : undefined;
    const secret = storeSecret ? storeSecret.reveal() : opts.secrets[channel];
    if (secret === undefined) return reject(404, 'not_found', `webhooks of ${channel} are off: set ${webhookSecretVar(channel)} to turn them on`);
    if (req.method !== 'POST') return reject(405, 'method', `${req.method ?? 'this method'} not allowed: deliveries are POSTed`);

    const body = await readBody();
    if (body === undefined) {
      return reject(413, 'too_large', `body: larger than the maximum payload of ${maxBody} bytes (ORDERSURGE_MAX_PAYLOAD_BYTES); an order this large is never accepted, do not retry it`);
    }
    const header = signatureHeaderOf(channel);
    const signature = req.headers[header.toLowerCase()];
    if (typeof signature !== 'string' || signature === '') {
      return reject(401, 'unauthorized', `${header}: missing; sign the raw body with HMAC-SHA256 and the ${channel} secret, base64`);
    }
    if (!verifyWebhookBody(secret, body, signature)) {
      const whose = storeSecret ? `shop account ${shop!.code}'s app secret` : `the ${channel} secret`;
      return reject(401, 'unauthorized', `${header}: does not match the body under ${whose} (wrong secret, or the body changed on the way)`);
    }
    if (channel !== 'shop' && code !== undefined) {
      const resolved = await resolveShop(code);
      if ('refused' in resolved) return resolved.refused;
      shop = resolved.shop;
    }

    if (channel === 'shop') {
      const topic = req.headers['x-shopify-topic'];
      if (typeof topic !== 'string' || topic === '') return reject(400, 'bad_request', 'X-Shopify-Topic: missing; expected orders/create, orders/updated, ...');
      if (!SHOP_ORDER_TOPICS.has(topic)) {
        stats.ignored++;
        return { status: 200, body: { accepted: false, ignored: `topic ${topic} carries no order` } };
      }
    }
    let payload: unknown;
    try {
      payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    } catch (error) {
      return reject(400, 'bad_request', `body: not valid JSON (${errorText(error)})`);
    }
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return reject(400, 'bad_request', 'body: must be a JSON object (one order)');

    const admission = await opts.admission?.check().catch(() => undefined);
    if (admission && !admission.open) {
      return { ...reject(429, 'saturated', `the pipeline is saturated (core backlog ${admission.coreBacklog}, limit ${admission.limit}); send it again after Retry-After`), retryAfterSeconds: admission.retryAfterSeconds };
    }
    try {
      const ack = await submitPayload(opts.js, opts.names, channel, body, shop?.code);
      if (ack.duplicate) stats.duplicates++;
      else stats.accepted++;
      return { status: 200, body: { accepted: true, duplicate: ack.duplicate } };
    } catch (error) {
      log(`webhook ${channel}${shop ? `/${shop.code}` : ''}: could not queue a delivery (the platform will retry): ${errorText(error)}`);
      return reject(503, 'publish_failed', `could not queue the order, retry later: ${errorText(error)}`);
    }
  };

  const server = http.createServer((req, res) => {
    const readBody = () =>
      new Promise<Uint8Array | undefined>((resolve, rejectRead) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const onData = (chunk: Buffer): void => {
          size += chunk.length;
          chunks.push(chunk);
          // Answer at once rather than read a huge body to its end; the connection is closed after.
          if (size > maxBody) {
            req.off('data', onData);
            resolve(undefined);
          }
        };
        req.on('data', onData);
        req.on('end', () => resolve(Buffer.concat(chunks)));
        req.on('error', rejectRead);
      });
    void handle(req, readBody)
      .catch((error: unknown): Answer => ({ status: 500, body: { error: `internal error: ${errorText(error)}` } }))
      .then((answer) => {
        if (answer.rejection) stats.rejected[answer.rejection]++;
        const headers = {
          'content-type': 'application/json; charset=utf-8',
          ...(answer.status === 405 ? { allow: 'POST' } : {}),
          ...(answer.status === 413 ? { connection: 'close' } : {}),
          ...(answer.retryAfterSeconds !== undefined ? { 'retry-after': String(answer.retryAfterSeconds) } : {}),
        };
        res.writeHead(answer.status, headers).end(JSON.stringify(answer.body));
      });
  });
  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      rejectListen(error.code === 'EADDRINUSE' ? new Error(`--webhook-port ${opts.port}: the port is in use; stop what holds it or choose another`) : error),
    );
    server.listen(opts.port, opts.host ?? '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1'}:${port}`,
    stats,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

function reject(status: number, rejection: WebhookRejection, error: string): Answer {
  return { status, body: { error }, rejection };
}
