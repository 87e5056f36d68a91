import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { payloadMsgId } from './messages.ts';
import type { Names } from './names.ts';

/**
 * Publishes one raw channel payload into the ingest stage. The message id is the payload's
 * hash, so the same delivery submitted twice within the duplicate window is stored once.
 */
export function submitPayload(js: JetStreamClient, names: Names, channel: string, payload: Uint8Array): Promise<PubAck> {
  return js.publish(names.stageSubject('ingest', channel), payload, { msgID: payloadMsgId(channel, payload) });
}
