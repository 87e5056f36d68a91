import type { Address } from '../../streams/canonical-order.ts';

/**
 * Why no carrier could deliver to an address, or undefined when it can be routed. A province the
 * adapters did not recognise ("Atlantis") is kept as given with an empty code; routing holds such an
 * order for an operator (`bad_address`) instead of shipping it. An order with no address at all (a
 * POS sale carried home, digital goods) has nothing to deliver and passes.
 *
 * @example
 * addressProblem({ province: 'Atlantis', provinceCode: '', city: 'Poseidonia', detail: '1 Sea Road' })
 * // 'address.province: unknown province "Atlantis"; correct the address, then re-drive the order'
 */
export function addressProblem(address: Pick<Address, 'province' | 'provinceCode' | 'city' | 'detail'>): string | undefined {
  if (address.provinceCode !== '') return undefined;
  if (address.province === '' && address.city === '' && address.detail === '') return undefined;
  const problem = address.province === '' ? 'is required to ship' : `unknown province ${JSON.stringify(address.province.slice(0, 40))}`;
  return `address.province: ${problem}; correct the address, then re-drive the order`;
}
