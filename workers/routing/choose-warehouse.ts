export interface RouteLine {
  lineId: string;
  sku: string;
  qty: number;
}

export type RouteDecision =
  | { ok: true; warehouse: string }
  | { ok: false; type: 'backorder'; detail: string };

/**
 * Picks the first candidate warehouse (in preference order) whose available stock covers every
 * line, gifts included. `available` is keyed `sku|warehouse`. Pure: the reservation that
 * follows re-checks atomically, since stock may move between this read and the write.
 *
 * @example
 * chooseWarehouse([{ lineId: '1', sku: 'TEA', qty: 2 }], new Map([['TEA|suzhou', 5]]), ['suzhou'])
 * // { ok: true, warehouse: 'suzhou' }
 */
export function chooseWarehouse(
  lines: readonly RouteLine[],
  available: ReadonlyMap<string, number>,
  candidates: readonly string[],
): RouteDecision {
  const needed = new Map<string, number>();
  for (const line of lines) needed.set(line.sku, (needed.get(line.sku) ?? 0) + line.qty);
  for (const warehouse of candidates) {
    const fits = [...needed].every(([sku, qty]) => (available.get(`${sku}|${warehouse}`) ?? 0) >= qty);
    if (fits) return { ok: true, warehouse };
  }
  const first = candidates[0] ?? 'none';
  const short = [...needed]
    .filter(([sku, qty]) => (available.get(`${sku}|${first}`) ?? 0) < qty)
    .map(([sku, qty]) => `${sku} needs ${qty}, ${available.get(`${sku}|${first}`) ?? 0} available in ${first}`);
  return { ok: false, type: 'backorder', detail: `backorder: ${short.join('; ')}` };
}
