import { channelSchema, type NormalizeResult } from '../../streams/canonical-order.ts';
import { definePoolTask } from '../pool-task.ts';
import { adapterFor } from './adapters/index.ts';

/** ingest's pool task: a batch of raw payloads to canonical orders or field errors. */
export default definePoolTask(import.meta.url, (items: readonly { channel: string; payload: unknown }[]): NormalizeResult[] =>
  items.map(({ channel, payload }) => {
    const known = channelSchema.safeParse(channel);
    if (!known.success) return { ok: false, errors: [{ path: 'channel', message: `unknown channel ${JSON.stringify(channel)}` }] };
    return adapterFor(known.data)(payload);
  }),
);
