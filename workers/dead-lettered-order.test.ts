import { describe, expect, it } from 'vitest';
import { deadLetteredOrder } from './dead-lettered-order.ts';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('deadLetteredOrder', () => {
  it('names the order of an order step with the status its stage takes it from', () => {
    expect(deadLetteredOrder('waybill', encode('{"orderId":"shop:1"}'))).toEqual({ orderId: 'shop:1', from: 'picking' });
    expect(deadLetteredOrder('notify', encode('{"orderId":"shop:1"}'))).toEqual({ orderId: 'shop:1', from: 'waybilled' });
  });

  it('names none before the order is in Postgres, for side steps, or for a message that names no order', () => {
    expect(deadLetteredOrder('ingest', encode('{"orderId":"shop:1"}'))).toBeUndefined();
    expect(deadLetteredOrder('dedupe', encode('{"orderId":"shop:1"}'))).toBeUndefined();
    expect(deadLetteredOrder('points', encode('{"orderId":"shop:1"}'))).toBeUndefined();
    expect(deadLetteredOrder('routing', encode('not json'))).toBeUndefined();
    expect(deadLetteredOrder('routing', encode('{"id":"shop:1"}'))).toBeUndefined();
  });
});
