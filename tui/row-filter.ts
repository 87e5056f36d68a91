/**
 * Whether a row's text contains the filter, ignoring case; an empty filter keeps every row.
 *
 * @example
 * matchesFilter(['#12', 'waybill', 'carrier said 500'], 'WAY') // true
 */
export function matchesFilter(fields: readonly (string | number)[], filter: string): boolean {
  if (!filter) return true;
  const wanted = filter.toLowerCase();
  return fields.some((f) => String(f).toLowerCase().includes(wanted));
}
