import { createHash } from 'node:crypto';
import type { Address } from '../../streams/canonical-order.ts';

/** Merge (合单) rules: configuration, not code. A window of 0 switches merging off. */
export interface MergeRules {
  windowSeconds: number;
}

export interface MergeCandidate {
  /** The shop account: a seller's two stores on one platform ship their own parcels. */
  shop: string;
  buyer: string;
  address: Address;
  paymentMethod: string;
}

/**
 * The key under which orders may share a shipment: same shop account (not merely the same
 * platform: two stores of one seller invoice and ship apart), same buyer, same address. Null when the order must ship alone: merging off, cash on
 * delivery (each parcel collects its own money), or no buyer to match on. Receiver and street
 * are compared by the sealed contact's keyed fingerprint (the shown ones are masked); an order
 * sealed before fingerprints existed falls back to the shown fields.
 *
 * @example
 * mergeKey(order, { windowSeconds: 600 }) // '3f1c...' or null
 */
export function mergeKey(order: MergeCandidate, rules: MergeRules): string | null {
  if (rules.windowSeconds <= 0 || order.paymentMethod === 'cod' || order.buyer === '') return null;
  const a = order.address;
  const who = a.contact?.fingerprint !== undefined ? [a.contact.fingerprint] : [a.street, a.detail, a.receiver];
  const parts = [order.shop, order.buyer, a.provinceCode, a.province, a.city, a.district, a.phone, a.postcode, ...who];
  return createHash('sha256').update(parts.join('\u0001')).digest('hex').slice(0, 32);
}
