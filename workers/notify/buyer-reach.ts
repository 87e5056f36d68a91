import { sealedPhonesOf } from '../../sql/queries/notifications.ts';
import { channelSchema, type Channel } from '../../streams/canonical-order.ts';
import { processPiiKeyring } from '../../streams/pii/keyring.ts';
import { openPii } from '../../streams/pii/sealed-value.ts';
import { platformExternalId } from '../aftersales/replacement-order.ts';
import { breakerFor } from '../circuit/breaker-for.ts';
import { postBatchOrThrow } from '../circuit/post-batch-or-throw.ts';
import { CallHeldError, ServiceUnavailableError } from '../circuit/service-breaker.ts';
import { idempotentPostBatch, type BatchItem, type PostResult } from '../idempotent-post.ts';
import { stageSignal } from '../stage-signal.ts';
import type { StageContext } from '../stage.ts';

/** Marketplaces hand sellers masked (at best virtual) numbers and pass messages on themselves. */
const MARKETPLACES: ReadonlySet<Channel> = new Set(['tmall', 'jd', 'douyin', 'pdd']);

/** Messages per call: batch-SMS and buyer-message APIs commonly take up to 100. */
const BATCH_LIMIT = 100;

/** How one order's message reaches its buyer. */
export type BuyerRoute =
  /** The SMS gateway, at the buyer's own number or the marketplace's virtual one ('' on an own channel that gave none). */
  | { via: 'sms'; phone: string }
  /** The marketplace's own buyer-message API, for the order under its external id. */
  | { via: 'platform'; channel: Channel; externalId: string };

/**
 * Where an order's message goes. Pure. A number that reaches the buyer (own channels: the
 * buyer's; marketplaces: a virtual one) is texted; a marketplace order without one (it gave
 * only a masked number, which reaches nobody) goes through the marketplace's buyer-message API;
 * an own-channel order without a number is texted without one, as before.
 *
 * @example
 * buyerRoute('tmall:123', '')             // { via: 'platform', channel: 'tmall', externalId: '123' }
 * buyerRoute('tmall:123', '17000000123')  // { via: 'sms', phone: '17000000123' }
 */
export function buyerRoute(orderId: string, reachablePhone: string): BuyerRoute {
  const colon = orderId.indexOf(':');
  const channel = channelSchema.safeParse(orderId.slice(0, colon));
  if (reachablePhone === '' && channel.success && MARKETPLACES.has(channel.data)) {
    // An exchange's replacement (`1001#x7`) is unknown to the platform: its buyer is messaged under the original.
    return { via: 'platform', channel: channel.data, externalId: platformExternalId(orderId.slice(colon + 1)) };
  }
  return { via: 'sms', phone: reachablePhone };
}

/**
 * Resolves once the SMS gateway's breaker is closed: what the stages that text buyers await
 * before pulling, so that during a gateway outage their messages wait in the stream.
 */
export function smsGatewayReady(ctx: StageContext, signal: AbortSignal): Promise<void> {
  return breakerFor('sms', ctx.settings.smsUrl, ctx.log).whenClosed(signal);
}

/**
 * One batch call to the SMS gateway through its circuit breaker (retries with jittered backoff;
 * while open, the call waits for a probe instead of failing). A gateway that failed as a whole,
 * or a call let go at shutdown, leaves every item transient.
 */
async function textBuyers(items: readonly BatchItem[], ctx: StageContext): Promise<Map<string, PostResult>> {
  try {
    return await breakerFor('sms', ctx.settings.smsUrl, ctx.log).call(() => postBatchOrThrow(`${ctx.settings.smsUrl}/sms/batch`, items, BATCH_LIMIT), stageSignal(ctx));
  } catch (error) {
    if (!(error instanceof ServiceUnavailableError || error instanceof CallHeldError)) throw error;
    return new Map(items.map((item) => [item.key, { kind: 'transient', error: error.message }]));
  }
}

/**
 * Sends `template` to the buyer of every order, each under the idempotency key `ORDER:TEMPLATE`
 * (a retried batch never sends twice): by SMS (through the gateway's circuit breaker), or
 * through the marketplace's buyer-message API (`POST URL/buyer-messages/batch`) where
 * {@link buyerRoute} says so. The number is opened from its sealed form only for the call.
 * Returns each order's answer.
 */
export async function sendToBuyers(ids: readonly string[], template: string, ctx: StageContext, extra: Record<string, unknown> = {}): Promise<Map<string, PostResult>> {
  const sealed = await sealedPhonesOf(ctx.db, ids);
  const keyring = processPiiKeyring();
  const key = (orderId: string): string => `${orderId}:${template}`;
  const sms: BatchItem[] = [];
  const platform = new Map<Channel, { key: string; body: Record<string, unknown> }[]>();
  const answers = new Map<string, PostResult>();
  for (const orderId of ids) {
    const route = buyerRoute(orderId, openPii(sealed.get(orderId) ?? '', keyring));
    if (route.via === 'sms') {
      sms.push({ key: key(orderId), body: { orderId, template, phone: route.phone, ...extra } });
    } else if (ctx.settings.platformUrls[route.channel] === undefined) {
      answers.set(orderId, { kind: 'transient', error: `${orderId}: no number reaches the buyer and no buyer-message API is configured for ${route.channel} (ORDERSURGE_PLATFORM_URLS)` });
    } else {
      const items = platform.get(route.channel) ?? [];
      items.push({ key: key(orderId), body: { orderId: route.externalId, template, ...extra } });
      platform.set(route.channel, items);
    }
  }
  const calls: Promise<Map<string, PostResult>>[] = [];
  if (sms.length > 0) calls.push(textBuyers(sms, ctx));
  for (const [channel, items] of platform) calls.push(idempotentPostBatch(`${ctx.settings.platformUrls[channel]}/buyer-messages/batch`, items, BATCH_LIMIT));
  const byKey = new Map<string, PostResult>();
  for (const result of await Promise.all(calls)) for (const [k, v] of result) byKey.set(k, v);
  for (const orderId of ids) {
    const answer = byKey.get(key(orderId));
    if (answer) answers.set(orderId, answer);
  }
  return answers;
}
