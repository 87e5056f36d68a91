import { channelSchema, type NormalizeResult } from '../../streams/canonical-order.ts';
import { definePoolTask } from '../pool-task.ts';
import { processPiiKeyring } from '../../streams/pii/keyring.ts';
import { sealResult } from '../../streams/pii/seal-order.ts';
import { adapterFor } from './adapters/index.ts';

/**
 * ingest's pool task: a batch of raw payloads to canonical orders or field errors. The buyer's
 * contact is sealed here, before the order leaves the adapter's hands (nothing downstream sees it
 * in clear).
 */
export default definePoolTask(import.meta.url, (items: readonly { channel: string; payload: unknown }[]): NormalizeResult[] =>
  items.map(({ channel, payload }) => {
    const known = channelSchema.safeParse(channel);
    if (!known.success) return { ok: false, errors: [{ path: 'channel', message: `unknown channel ${JSON.stringify(channel)}` }] };
    return sealResult(adapterFor(known.data)(payload), processPiiKeyring());
  }),
);
