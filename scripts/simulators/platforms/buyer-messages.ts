import { batchOf } from '../batch-endpoint.ts';
import type { JsonRequest, JsonResponse } from '../json-server.ts';

/** Messages one buyer-message call may carry, as the marketplaces' batch APIs allow. */
export const BUYER_MESSAGE_BATCH_LIMIT = 100;

/** One message a platform passed on to a buyer, as the simulator recorded it. */
export interface BuyerMessage {
  messageId: string;
  /** The platform's own order id (the external id). */
  orderId: string;
  template: string;
  key: string;
}

/**
 * A marketplace's buyer-message API, as every platform simulator serves it: marketplaces hand
 * sellers only masked (or time-limited virtual) numbers, and pass messages to the buyer
 * themselves. `POST /buyer-messages/batch` takes up to 100 `{key, orderId, template}` items, each
 * sent once per idempotency key (a repeat answers the first message's id without sending);
 * `GET /sim/buyer-messages?orderId=` lists what an order's buyer was sent, and
 * `GET /sim/buyer-messages/stats` counts (control paths: never failed or rate-limited).
 * Returns undefined for any other path.
 */
export function buyerMessageRoutes(): (req: JsonRequest) => JsonResponse | undefined {
  const byKey = new Map<string, BuyerMessage>();
  let duplicates = 0;
  const send = (key: string, item: unknown): JsonResponse => {
    const request = item as Partial<BuyerMessage> | undefined;
    if (typeof request?.orderId !== 'string' || request.orderId === '') return { status: 400, body: { error: 'orderId: required string' } };
    if (typeof request.template !== 'string' || request.template === '') return { status: 400, body: { error: 'template: required string' } };
    const known = byKey.get(key);
    if (known) {
      duplicates++;
      return { status: 200, body: { messageId: known.messageId } };
    }
    const message: BuyerMessage = { messageId: `bm-${byKey.size + 1}`, orderId: request.orderId, template: request.template, key };
    byKey.set(key, message);
    return { status: 201, body: { messageId: message.messageId } };
  };
  return ({ method, path, query, body }) => {
    if (method === 'POST' && path === '/buyer-messages/batch') return batchOf(body, BUYER_MESSAGE_BATCH_LIMIT, send);
    if (method === 'GET' && path === '/sim/buyer-messages') {
      const orderId = query.get('orderId');
      return { status: 200, body: { messages: [...byKey.values()].filter((m) => orderId === null || m.orderId === orderId) } };
    }
    if (method === 'GET' && path === '/sim/buyer-messages/stats') return { status: 200, body: { sent: byKey.size, duplicates } };
    return undefined;
  };
}
