import { describe, expect, it } from 'vitest';
import type { PostResult } from '../idempotent-post.ts';
import { decideNotified } from './notify-stage.ts';

describe('decideNotified', () => {
  it('records what the gateway sent, retries what it did not answer, dead-letters what it refused', () => {
    const answers: Record<string, PostResult> = {
      a: { kind: 'ok', body: { messageId: 'sms-1' } },
      b: { kind: 'transient', error: 'HTTP 503' },
      c: { kind: 'rejected', error: 'HTTP 400' },
    };
    const { results, sent } = decideNotified(['a', 'b', 'c', 'd'], (id) => answers[id]);
    expect(Object.fromEntries([...results].map(([id, r]) => [id, r.kind]))).toEqual({ a: 'moved', b: 'retry', c: 'dead', d: 'retry' });
    expect(sent).toEqual([{ orderId: 'a', messageId: 'sms-1' }]);
  });
});
