import { formatFieldErrors } from '../../streams/canonical-order.ts';
import { maxPayloadBytes, oversizeProblem } from '../../streams/payload-limit.ts';
import { stageMsgId } from '../../streams/messages.ts';
import { nextStage } from '../../streams/pipeline.ts';
import { done, type Decoded, type Stage } from '../stage.ts';
import { payloadShapeErrors } from './adapters/payload-shape.ts';
import normalizeTask from './normalize-task.ts';

const NEXT = nextStage('ingest')!;
const decoder = new TextDecoder();
// Read once: every intake checks the same limit before publishing, this is the last line.
const MAX_PAYLOAD = maxPayloadBytes();

/**
 * ingest: raw channel payloads in, canonical orders out. Normalization is CPU work and runs in
 * the pool; a payload that does not normalize is dead-lettered with its field errors.
 */
export const ingestStage: Stage<unknown> = {
  name: 'ingest',
  decode(data): Decoded<unknown> {
    const oversize = oversizeProblem(data.byteLength, MAX_PAYLOAD);
    if (oversize) return { ok: false, error: `body: ${oversize}` };
    let value: unknown;
    try {
      value = JSON.parse(decoder.decode(data));
    } catch (error) {
      return { ok: false, error: `body: not valid JSON (${error instanceof Error ? error.message : String(error)})` };
    }
    // Before the pool: a payload nested thousands deep would overflow the stack of the copy to
    // the worker thread, and that would be retried as if it could pass.
    const shape = payloadShapeErrors(value);
    return shape.length > 0 ? { ok: false, error: formatFieldErrors(shape) } : { ok: true, value };
  },
  async handle(batch, ctx) {
    const results = await ctx.pool.run(
      normalizeTask,
      batch.map((d) => ({ channel: d.channel, payload: d.body })),
    );
    return results.map((result) => {
      if (!result.ok) return { kind: 'dead', error: formatFieldErrors(result.errors) };
      const order = result.order;
      return done([
        { stage: NEXT, channel: order.channel, body: order, msgId: stageMsgId(NEXT, order.id, order.version) },
      ]);
    });
  },
};
