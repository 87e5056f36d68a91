import type { Address } from '../../streams/canonical-order.ts';
import type { PiiKeyring } from '../../streams/pii/keyring.ts';
import { openPii } from '../../streams/pii/sealed-value.ts';

/**
 * The address the carrier prints on the waybill: the full receiver, phone and street opened from
 * the sealed contact (the one place besides the SMS where they are), without the sealed copy. An
 * order stored before sealing existed goes as stored.
 */
export function carrierAddress(address: Address, keyring: PiiKeyring): Omit<Address, 'contact'> {
  const { contact, ...shown } = address;
  if (!contact) return shown;
  const phone = openPii(contact.phone, keyring);
  return {
    ...shown,
    receiver: openPii(contact.receiver, keyring),
    // A marketplace order without a virtual number keeps the masked one: the carrier calls the platform.
    phone: phone || shown.phone,
    street: openPii(contact.street, keyring),
    detail: openPii(contact.detail, keyring),
  };
}
