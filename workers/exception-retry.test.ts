import { describe, expect, it } from 'vitest';
import { retryDecision } from './exception-retry.ts';

describe('retryDecision', () => {
  it('sends an exception back to the stage that raised it', () => {
    expect(retryDecision('payment_mismatch', 'paid 100, computed 90')).toEqual({ ok: true, to: 'received' });
    expect(retryDecision('backorder', 'backorder: A short by 1')).toEqual({ ok: true, to: 'priced' });
    expect(retryDecision('pick_rejected', 'lines: required non-empty array')).toEqual({ ok: true, to: 'routed' });
    expect(retryDecision('waybill_rejected', 'no such province')).toEqual({ ok: true, to: 'picking' });
    expect(retryDecision('dead_letter', 'waybill: carrier said 500')).toEqual({ ok: true, to: 'picking' });
    expect(retryDecision('dead_letter', 'pick: WMS said 500')).toEqual({ ok: true, to: 'routed' });
  });
  it('refuses what needs a person or names no stage', () => {
    expect(retryDecision('cancel_after_waybill', 'x').ok).toBe(false);
    expect(retryDecision('cancel_after_pick', 'x').ok).toBe(false);
    expect(retryDecision('dead_letter', 'ingest: bad json').ok).toBe(false);
    expect(retryDecision('dead_letter', 'garbage').ok).toBe(false);
    expect(retryDecision('mystery', '').ok).toBe(false);
  });
});
