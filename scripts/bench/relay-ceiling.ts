import { AckPolicy, DiscardPolicy, RetentionPolicy, StorageType, type ConsumerMessages } from '@nats-io/jetstream';
import type { Bus } from '../../streams/connect.ts';
import { machineBusySeconds } from './machine-cpu.ts';

export interface CeilingResult {
  orders: number;
  hops: number;
  payloadBytes: number;
  seconds: number;
  ordersPerSecond: number;
  /** CPU the whole machine spent per message relayed through all hops, in ms; null off Linux. */
  machineCpuMsPerOrder: number | null;
}

const HOPS = 6;

/**
 * The ceiling a pipeline on these servers can approach: a bare relay of `orders` messages of
 * `payloadBytes` through six work-queue streams, each hop consume -> publish -> ack, no logic,
 * all in this one process. Streams like the pipeline's (file storage, work queue), under their
 * own names, deleted afterwards.
 */
export async function measureCeiling(bus: Bus, namespace: string, orders: number, payloadBytes: number, inFlight = 1000): Promise<CeilingResult> {
  const stream = (hop: number): string => `${namespace}-relay-${hop}`;
  const subject = (hop: number): string => `${namespace}.relay.${hop}`;
  for (let hop = 1; hop <= HOPS; hop++) {
    await bus.jsm.streams.add({
      name: stream(hop),
      subjects: [subject(hop)],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      discard: DiscardPolicy.New,
      max_bytes: 256 * 1024 ** 2,
    });
    await bus.jsm.consumers.add(stream(hop), { durable_name: 'relay', ack_policy: AckPolicy.Explicit, max_ack_pending: 20_000 });
  }
  const payload = new Uint8Array(payloadBytes).fill(0x7b);
  const subscriptions: ConsumerMessages[] = [];
  try {
    let delivered = 0;
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    for (let hop = 1; hop <= HOPS; hop++) {
      const messages = await (await bus.js.consumers.get(stream(hop), 'relay')).consume({ max_messages: 1000 });
      subscriptions.push(messages);
      const last = hop === HOPS;
      void (async () => {
        for await (const msg of messages) {
          if (last) {
            msg.ack();
            if (++delivered === orders) finish();
          } else {
            bus.js.publish(subject(hop + 1), msg.data).then(
              () => msg.ack(),
              () => msg.nak(),
            );
          }
        }
      })();
    }
    const busyBefore = machineBusySeconds();
    const started = performance.now();
    let running = 0;
    let wake: (() => void) | undefined;
    for (let i = 0; i < orders; i++) {
      while (running >= inFlight) await new Promise<void>((resolve) => (wake = resolve));
      running++;
      void publishUntilStored(bus, subject(1), payload).finally(() => {
        running--;
        wake?.();
      });
    }
    await finished;
    const seconds = (performance.now() - started) / 1000;
    const busyAfter = machineBusySeconds();
    const machineCpuMsPerOrder = busyBefore === undefined || busyAfter === undefined ? null : ((busyAfter - busyBefore) * 1000) / orders;
    return { orders, hops: HOPS, payloadBytes, seconds, ordersPerSecond: orders / seconds, machineCpuMsPerOrder };
  } finally {
    for (const s of subscriptions) s.stop();
    for (let hop = 1; hop <= HOPS; hop++) await bus.jsm.streams.delete(stream(hop)).catch(() => undefined);
  }
}

/**
 * Publishes until the server stores the message: on a busy machine a publish can time out, and
 * a first hop lost that way would leave the relay waiting for a message that never comes.
 */
async function publishUntilStored(bus: Bus, subject: string, payload: Uint8Array): Promise<void> {
  for (;;) {
    try {
      await bus.js.publish(subject, payload);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
