import type { Address } from '../../../streams/canonical-order.ts';
import { canonicalAddress, type AddressParts } from './address.ts';

/**
 * The canonical address (phone masked) with the full contact beside it in `contact`, still in
 * clear: the ingest pool task seals it before the order leaves the process
 * (streams/pii/seal-order.ts). `reachable` is the number that reaches the buyer: a marketplace's
 * virtual number where it gives one, else the phone given; a masked number reaches nobody and is
 * left out.
 *
 * @example
 * addressWithContact({ ...parts, phone: '13800000000' }).contact?.phone   // '13800000000'
 * addressWithContact({ ...parts, phone: '138****0000' }).contact?.phone   // ''
 * addressWithContact({ ...parts, phone: '138****0000' }, '17000001234').contact?.phone // '17000001234'
 */
export function addressWithContact(parts: AddressParts, reachable = ''): Address {
  const phone = [reachable, parts.phone].map((p) => p.trim().normalize('NFKC')).find((p) => p !== '' && !p.includes('*')) ?? '';
  return { ...canonicalAddress(parts), contact: { receiver: parts.receiver, phone, street: parts.street, detail: parts.detail } };
}
