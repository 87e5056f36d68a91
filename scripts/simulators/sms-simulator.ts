import { batchOf } from './batch-endpoint.ts';
import { faultGate, notFound, startJsonServer, type Faults, type JsonResponse, type RunningServer } from './json-server.ts';

interface Sms {
  messageId: string;
  orderId: string;
  template: string;
  phone: string;
}

/** Messages one batch call may carry, as batch-SMS APIs commonly allow. */
export const SMS_BATCH_LIMIT = 100;

/**
 * An SMS gateway: POST /sms with an Idempotency-Key header sends once per key; a repeat returns
 * the first message's id without sending. POST /sms/batch takes up to 100 `{key, orderId,
 * template, phone}` items, each answered on its own under the same rule. GET /sms?orderId=
 * lists what an order was sent.
 */
export async function startSmsSimulator(port: number, faults: Faults): Promise<RunningServer> {
  const byKey = new Map<string, Sms>();
  let duplicates = 0;
  const send = (key: string, body: unknown): JsonResponse => {
    const request = body as Partial<Sms> | undefined;
    if (typeof request?.orderId !== 'string' || typeof request.template !== 'string') {
      return { status: 400, body: { error: 'orderId and template: required strings' } };
    }
    const known = byKey.get(key);
    if (known) {
      duplicates++;
      return { status: 200, body: { messageId: known.messageId } };
    }
    const sms: Sms = {
      messageId: `sms-${byKey.size + 1}`,
      orderId: request.orderId,
      template: request.template,
      phone: typeof request.phone === 'string' ? request.phone : '',
    };
    byKey.set(key, sms);
    return { status: 201, body: { messageId: sms.messageId } };
  };
  return startJsonServer(port, faultGate(faults), ({ method, path, query, headers, body }) => {
    if (method === 'POST' && path === '/sms/batch') return batchOf(body, SMS_BATCH_LIMIT, send);
    if (method === 'GET' && path === '/stats') {
      const byTemplate: Record<string, number> = {};
      for (const m of byKey.values()) byTemplate[m.template] = (byTemplate[m.template] ?? 0) + 1;
      return { status: 200, body: { sent: byKey.size, duplicates, byTemplate } };
    }
    if (method === 'GET' && path === '/sms') {
      const orderId = query.get('orderId');
      return { status: 200, body: { messages: [...byKey.values()].filter((m) => m.orderId === orderId) } };
    }
    if (method !== 'POST' || path !== '/sms') return notFound;
    const key = headers['idempotency-key'];
    if (typeof key !== 'string' || key === '') return { status: 400, body: { error: 'Idempotency-Key header is required' } };
    return send(key, body);
  });
}
