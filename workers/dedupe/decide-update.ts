import type { Address, CanonicalOrder } from '../../streams/canonical-order.ts';
import { sameFingerprint } from '../../streams/pii/fingerprint.ts';
import { statusesBefore, type OrderStatus } from '../../streams/pipeline.ts';

/** Where the pipeline is with an order, and what the platform said of it last. */
export interface KnownOrder {
  status: OrderStatus;
  version: number;
  address: Address;
  /** A shipment of the order has a waybill number: it has been handed to the carrier. */
  hasWaybill: boolean;
}

/** Statuses in which the order has not been handed to the carrier yet. */
const BEFORE_WAYBILL = statusesBefore('waybill');

export type UpdateAction =
  /** Stop the order where it is and release its stock. */
  | { kind: 'cancel'; reason: string }
  /** Cancelled after the waybill: stop the order, release its stock and have the carrier void the waybill (intercept the parcel). */
  | { kind: 'intercept'; reason: string }
  /** Too late to change by ourselves: an operator must redirect the parcel. */
  | { kind: 'exception'; type: 'address_change_after_waybill'; detail: string }
  /** Ship to the new address. */
  | { kind: 'readdress' }
  /** The buyer paid: the order enters the pipeline. */
  | { kind: 'release' }
  /** Nothing to do beyond keeping the newer version. */
  | { kind: 'record' };

export type UpdateDecision =
  | { kind: 'duplicate' }
  /** Older than what we have: ignored, and counted. */
  | { kind: 'stale' }
  | { kind: 'update'; action: UpdateAction; changes: string[] };

/** The pipeline status a first-seen order starts in. */
export function initialStatus(order: Pick<CanonicalOrder, 'channelStatus' | 'refundStatus' | 'paymentMethod'>): OrderStatus {
  if (stopsOrder(order)) return 'cancelled';
  if (order.channelStatus === 'pending_payment' && order.paymentMethod !== 'cod') return 'awaiting_payment';
  return 'received';
}

function stopsOrder(order: Pick<CanonicalOrder, 'channelStatus' | 'refundStatus'>): boolean {
  return order.channelStatus === 'cancelled' || order.refundStatus === 'refunded';
}

/**
 * Decides what a delivery of a known order means. Pure: versions decide the order of updates (an
 * older one is stale), and the order's place in the pipeline decides what an update may still
 * change. A cancel or full refund before the waybill stops the order; after it, the order stops
 * too and its parcel is intercepted (the carrier voids the waybill). An address change after the
 * waybill is an operator's to redirect.
 */
export function decideUpdate(known: KnownOrder, incoming: CanonicalOrder): UpdateDecision {
  if (incoming.version === known.version) return { kind: 'duplicate' };
  if (incoming.version < known.version) return { kind: 'stale' };
  const addressChanged = !sameAddress(known.address, incoming.address);
  const changes = [`version ${known.version} -> ${incoming.version}`, `channel status ${incoming.channelStatus}, refund ${incoming.refundStatus}`];
  if (addressChanged) changes.push('address changed');
  // An exception raised after the waybill (a late cancel, say) is still after the waybill.
  const beforeWaybill = !known.hasWaybill && BEFORE_WAYBILL.has(known.status);

  if (known.status === 'cancelled') return { kind: 'update', action: { kind: 'record' }, changes };
  if (stopsOrder(incoming)) {
    const why = incoming.channelStatus === 'cancelled' ? 'cancelled by the platform' : 'fully refunded';
    if (beforeWaybill) return { kind: 'update', action: { kind: 'cancel', reason: why }, changes };
    return { kind: 'update', action: { kind: 'intercept', reason: `${why} after the waybill: intercepting the parcel` }, changes };
  }
  if (addressChanged) {
    if (beforeWaybill) return { kind: 'update', action: { kind: 'readdress' }, changes };
    return {
      kind: 'update',
      action: { kind: 'exception', type: 'address_change_after_waybill', detail: `address changed after the waybill: redirect the parcel to ${formatAddress(incoming.address)}` },
      changes,
    };
  }
  if (known.status === 'awaiting_payment' && initialStatus(incoming) === 'received') return { kind: 'update', action: { kind: 'release' }, changes };
  return { kind: 'update', action: { kind: 'record' }, changes };
}

/**
 * Receiver and street are compared by their keyed fingerprints (they are stored only sealed and
 * masked); when the two cannot be compared (an order sealed before fingerprints, or under a key
 * since dropped) by the masked shown fields.
 */
function sameAddress(a: Address, b: Address): boolean {
  const samePerson = sameFingerprint(a.contact?.fingerprint, b.contact?.fingerprint) ?? (a.street === b.street && a.detail === b.detail && a.receiver === b.receiver);
  return (
    samePerson &&
    a.provinceCode === b.provinceCode &&
    a.province === b.province &&
    a.city === b.city &&
    a.district === b.district &&
    a.phone === b.phone &&
    a.postcode === b.postcode
  );
}

function formatAddress(a: Address): string {
  return [a.province, a.city, a.district, a.street, a.detail, a.receiver].filter(Boolean).join(' ');
}
