import type { CanonicalOrder } from '../../streams/canonical-order.ts';

export type PaymentCheck =
  | { ok: true }
  | { ok: false; type: 'payment_mismatch'; detail: string };

/**
 * The payment check: list amounts - discounts + shipping must equal the paid amount to the fen.
 * A mismatch is an exception for an operator, never silently fixed.
 */
export function checkPayment(order: Pick<CanonicalOrder, 'amounts'>): PaymentCheck {
  const { goods, discount, shipping, paid } = order.amounts;
  const expected = goods - discount + shipping;
  if (expected === paid) return { ok: true };
  return {
    ok: false,
    type: 'payment_mismatch',
    detail: `payment mismatch: goods ${goods} - discount ${discount} + shipping ${shipping} = ${expected} fen, paid ${paid} fen`,
  };
}
