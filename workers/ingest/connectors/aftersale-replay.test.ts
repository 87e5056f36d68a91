import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../../streams/dead-letter.ts';
import { readAftersaleLetter } from './aftersale-replay.ts';

describe('reading an after-sale dead letter back', () => {
  it("keeps a corrected Shopify refund's 64-bit id given as a JSON number, with no GraphQL id beside it", () => {
    // 9007199254740995 is odd and past 2^53: JSON.parse would read 9007199254740996, another refund.
    const corrected = `{"id":9007199254740995,"order_id":5069000001,"created_at":"2026-12-07T10:00:00+08:00","refund_line_items":[{"line_item_id":690000010,"quantity":1,"restock_type":"no_restock"}],"transactions":[{"kind":"refund","status":"success","amount":"47.32"}]}`;
    const letter: DeadLetter = { seq: 1, stage: 'ingest', subject: 'x', error: 'after-sale record: transactions: ...', attempts: 0, failedAt: '', payload: new Uint8Array(), shop: 'shop-as', aftersale: { channel: 'shop' } };
    const read = readAftersaleLetter(letter, new TextEncoder().encode(corrected));
    expect(read).toMatchObject({ ok: true, channel: 'shop', shop: 'shop-as', ticket: { platformTicketId: '9007199254740995', externalOrderId: '5069000001', refundFen: 4732 } });
  });
});
