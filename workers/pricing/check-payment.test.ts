import { describe, expect, it } from 'vitest';
import { fen } from '../../streams/money.ts';
import { checkPayment } from './check-payment.ts';

const amounts = (goods: number, discount: number, shipping: number, paid: number) => ({
  amounts: { goods: fen(goods), discount: fen(discount), shipping: fen(shipping), paid: fen(paid) },
});

describe('checkPayment', () => {
  it('accepts amounts that add up to the fen', () => {
    expect(checkPayment(amounts(39800, 5000, 1000, 35800))).toEqual({ ok: true });
  });

  it('flags a one-fen mismatch as payment_mismatch with the figures', () => {
    const result = checkPayment(amounts(39800, 5000, 1000, 35799));
    expect(result).toEqual({
      ok: false,
      type: 'payment_mismatch',
      detail: 'payment mismatch: goods 39800 - discount 5000 + shipping 1000 = 35800 fen, paid 35799 fen',
    });
  });
});
