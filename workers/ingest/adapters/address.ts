import type { Address } from '../../../streams/canonical-order.ts';
import { maskPhone } from './phone.ts';
import { lookupProvince, lookupShopifyProvinceCode } from './province.ts';

/** An address as a platform gives it: plain trimmed text, phone not yet masked. */
export interface AddressParts {
  province: string;
  /** Shopify's `province_code`, preferred over the name when it is known. */
  shopifyProvinceCode?: string;
  city: string;
  district: string;
  street: string;
  detail: string;
  receiver: string;
  phone: string;
  postcode: string;
}

/**
 * The canonical address: province standardised (an unrecognised one is kept as given, with an
 * empty code, for a person to look at) and the phone masked.
 */
export function canonicalAddress(parts: AddressParts): Address {
  const province =
    (parts.shopifyProvinceCode ? lookupShopifyProvinceCode(parts.shopifyProvinceCode) : undefined) ??
    lookupProvince(parts.province);
  return {
    province: province?.name ?? parts.province,
    provinceCode: province?.code ?? '',
    city: parts.city,
    district: parts.district,
    street: parts.street,
    detail: parts.detail,
    receiver: parts.receiver,
    phone: maskPhone(parts.phone),
    postcode: parts.postcode,
  };
}

/** The address of an order that has none (Shopify digital goods, a POS sale carried home). */
export const NO_ADDRESS: Address = canonicalAddress({
  province: '',
  city: '',
  district: '',
  street: '',
  detail: '',
  receiver: '',
  phone: '',
  postcode: '',
});
