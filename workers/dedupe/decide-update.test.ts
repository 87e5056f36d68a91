import { describe, expect, it } from 'vitest';
import { normalizeShop } from '../ingest/adapters/shop.ts';
import { generateShopOrder } from '../../scripts/simulators/shop-orders.ts';
import type { CanonicalOrder } from '../../streams/canonical-order.ts';
import { parsePiiKeyring } from '../../streams/pii/keyring.ts';
import { sealOrder } from '../../streams/pii/seal-order.ts';
import { decideUpdate, initialStatus, type KnownOrder } from './decide-update.ts';

const ring = parsePiiKeyring(`k1:${Buffer.alloc(32, 7).toString('base64')}`, 'test');

function order(overrides: Partial<CanonicalOrder> = {}): CanonicalOrder {
  const result = normalizeShop(generateShopOrder(7, new Date('2026-11-11T00:00:00+08:00')));
  if (!result.ok) throw new Error('fixture does not normalize');
  return { ...result.order, ...overrides };
}

const known = (status: KnownOrder['status'], version = 100, hasWaybill = status === 'waybilled' || status === 'notified'): KnownOrder => ({ status, version, address: order().address, hasWaybill });

describe('decideUpdate', () => {
  it('treats the same version as a duplicate and an older one as stale', () => {
    expect(decideUpdate(known('priced'), order({ version: 100 }))).toEqual({ kind: 'duplicate' });
    expect(decideUpdate(known('priced'), order({ version: 99 }))).toEqual({ kind: 'stale' });
  });

  it.each(['awaiting_payment', 'received', 'priced', 'routed', 'exception'] as const)('cancels an order still %s', (status) => {
    const decision = decideUpdate(known(status), order({ version: 101, channelStatus: 'cancelled' }));
    expect(decision).toMatchObject({ kind: 'update', action: { kind: 'cancel', reason: 'cancelled by the platform' } });
  });

  it('cancels on a full refund, not on a partial one', () => {
    expect(decideUpdate(known('routed'), order({ version: 101, refundStatus: 'refunded' }))).toMatchObject({ action: { kind: 'cancel', reason: 'fully refunded' } });
    expect(decideUpdate(known('routed'), order({ version: 101, refundStatus: 'partial' }))).toMatchObject({ action: { kind: 'record' } });
  });

  it.each(['waybilled', 'notified'] as const)('stops a cancelled %s order and intercepts its parcel', (status) => {
    expect(decideUpdate(known(status), order({ version: 101, channelStatus: 'cancelled' }))).toMatchObject({
      action: { kind: 'intercept', reason: 'cancelled by the platform after the waybill: intercepting the parcel' },
    });
  });

  it('readdresses before the waybill and flags an address change after it', () => {
    const moved = order({ version: 101, address: { ...order().address, detail: '新地址 8 号' } });
    expect(decideUpdate(known('priced'), moved)).toMatchObject({ action: { kind: 'readdress' }, changes: expect.arrayContaining(['address changed']) });
    expect(decideUpdate(known('waybilled'), moved)).toMatchObject({ action: { kind: 'exception', type: 'address_change_after_waybill' } });
  });

  it('tells a sealed address change by the fingerprint, though the masked fields are the same', () => {
    const stored = sealOrder(order(), ring);
    // Same first four characters and length: the masked detail is the same, only the fingerprint differs.
    const address = order().address;
    const detail = `${address.detail.slice(0, -1)}#`;
    const moved = sealOrder(order({ version: 101, address: { ...address, detail, contact: { ...address.contact!, detail } } }), ring);
    expect(moved.address.detail).toBe(stored.address.detail);
    const knownSealed: KnownOrder = { status: 'priced', version: 100, address: stored.address, hasWaybill: false };
    expect(decideUpdate(knownSealed, moved)).toMatchObject({ action: { kind: 'readdress' } });
    expect(decideUpdate({ ...knownSealed, status: 'waybilled', hasWaybill: true }, moved)).toMatchObject({ action: { kind: 'exception', type: 'address_change_after_waybill' } });
    // Sealed again (a fresh IV, so other ciphertexts), the same address is no change.
    expect(decideUpdate(knownSealed, sealOrder(order({ version: 101 }), ring))).toMatchObject({ action: { kind: 'record' } });
  });

  it('keeps an exception raised after the waybill after the waybill: a later refund intercepts the parcel, an address change is no readdress', () => {
    expect(decideUpdate(known('exception', 100, true), order({ version: 101, refundStatus: 'refunded' }))).toMatchObject({
      action: { kind: 'intercept', reason: 'fully refunded after the waybill: intercepting the parcel' },
    });
    const moved = order({ version: 101, address: { ...order().address, detail: '新地址 8 号' } });
    expect(decideUpdate(known('exception', 100, true), moved)).toMatchObject({ action: { kind: 'exception', type: 'address_change_after_waybill' } });
  });

  it('releases an order awaiting payment once it is paid', () => {
    expect(decideUpdate(known('awaiting_payment'), order({ version: 101, channelStatus: 'paid' }))).toMatchObject({ action: { kind: 'release' } });
  });

  it('only records updates of a cancelled order', () => {
    expect(decideUpdate(known('cancelled'), order({ version: 101, channelStatus: 'paid' }))).toMatchObject({ action: { kind: 'record' } });
  });
});

describe('initialStatus', () => {
  it('holds unpaid orders, except cash on delivery, and stops cancelled ones', () => {
    expect(initialStatus({ channelStatus: 'paid', refundStatus: 'none', paymentMethod: 'online' })).toBe('received');
    expect(initialStatus({ channelStatus: 'pending_payment', refundStatus: 'none', paymentMethod: 'online' })).toBe('awaiting_payment');
    expect(initialStatus({ channelStatus: 'pending_payment', refundStatus: 'none', paymentMethod: 'cod' })).toBe('received');
    expect(initialStatus({ channelStatus: 'cancelled', refundStatus: 'none', paymentMethod: 'online' })).toBe('cancelled');
    expect(initialStatus({ channelStatus: 'paid', refundStatus: 'refunded', paymentMethod: 'online' })).toBe('cancelled');
  });
});
