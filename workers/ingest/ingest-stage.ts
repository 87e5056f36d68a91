import { formatFieldErrors } from '../../streams/canonical-order.ts';
import { maxPayloadBytes, oversizeProblem } from '../../streams/payload-limit.ts';
import { stageMsgId } from '../../streams/messages.ts';
import { nextStage } from '../../streams/pipeline.ts';
import { processPiiKeyring } from '../../streams/pii/keyring.ts';
import { isSealedBody, openBody, sealBody } from '../../streams/pii/sealed-body.ts';
import { done, type Decoded, type Stage } from '../stage.ts';
import { payloadShapeErrors } from './adapters/payload-shape.ts';
import { maskPhonesIn } from './adapters/phone.ts';
import normalizeTask from './normalize-task.ts';
import { parsePayload } from './payload-json.ts';

const NEXT = nextStage('ingest')!;
const decoder = new TextDecoder();
// Read once: every intake checks the same limit before publishing, this is the last line.
const MAX_PAYLOAD = maxPayloadBytes();

/**
 * ingest: raw channel payloads in, canonical orders out. Normalization is CPU work and runs in
 * the pool; a payload that does not normalize is dead-lettered with its field errors, sealed (it
 * holds the buyer's contact in clear), and opened again when it is replayed.
 */
export const ingestStage: Stage<unknown> = {
  name: 'ingest',
  decode(sealedOrNot): Decoded<unknown> {
    let data = sealedOrNot;
    if (isSealedBody(sealedOrNot)) {
      try {
        data = openBody(sealedOrNot, processPiiKeyring());
      } catch (error) {
        return { ok: false, error: `body: a sealed payload that does not open (${error instanceof Error ? error.message : String(error)})` };
      }
    }
    const oversize = oversizeProblem(data.byteLength, MAX_PAYLOAD);
    if (oversize) return { ok: false, error: `body: ${oversize}` };
    let value: unknown;
    try {
      value = parsePayload(decoder.decode(data));
    } catch (error) {
      return { ok: false, error: `body: not valid JSON (${jsonProblem(error)})` };
    }
    // Before the pool: a payload nested thousands deep would overflow the stack of the copy to
    // the worker thread, and that would be retried as if it could pass.
    const shape = payloadShapeErrors(value);
    return shape.length > 0 ? { ok: false, error: formatFieldErrors(shape) } : { ok: true, value };
  },
  deadLetterBody: (data) => sealBody(data, processPiiKeyring()),
  async handle(batch, ctx) {
    const results = await ctx.pool.run(
      normalizeTask,
      batch.map((d) => ({ channel: d.channel, payload: d.body })),
    );
    return results.map((result, i) => {
      // A field error may quote a value: the reason is kept and shown, so no mobile number in it.
      if (!result.ok) return { kind: 'dead', error: maskPhonesIn(formatFieldErrors(result.errors)) };
      const shop = batch[i]!.shop;
      const order = shop === undefined ? result.order : { ...result.order, shop };
      return done([
        { stage: NEXT, channel: order.channel, body: order, msgId: stageMsgId(NEXT, order.id, order.version) },
      ]);
    });
  },
};

/** JSON.parse's complaint without the piece of the payload V8 quotes in it (a name or phone, maybe). */
function jsonProblem(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/"[\s\S]*" is not valid JSON$/, 'the text is not valid JSON');
}
