import type { CompiledRoutingRules } from './routing-rules.ts';

/** A line to ship, with what it is worth (its payable amount; a gift is worth 0). */
export interface RouteLine {
  lineId: string;
  sku: string;
  qty: number;
  gift: boolean;
  /** Integer fen. */
  valueFen: number;
}

/** What `planRoute` needs of an order. */
export interface RouteOrder {
  orderId: string;
  lines: readonly RouteLine[];
  address: { provinceCode: string; province: string };
}

/** One warehouse looked at, and what was found there. */
export interface WarehouseConsidered {
  warehouse: string;
  verdict: 'fills' | 'short' | 'part' | 'not_needed' | 'unused' | 'full';
  detail: string;
}

/** Why an order went where it went: stored with the order and shown by `order show`. */
export interface RouteReason {
  ruleVersion: number;
  region: string;
  considered: WarehouseConsidered[];
  decision: string;
}

export interface PlannedShipment {
  warehouse: string;
  lines: RouteLine[];
}

export type RoutePlan =
  | { kind: 'ship'; shipments: PlannedShipment[]; reason: RouteReason }
  | { kind: 'backorder'; detail: string; reason: RouteReason };

/**
 * Decides where one order ships, against the stock available (`sku|warehouse` -> units) and the
 * routing rules: the first warehouse of its region's list that can fill the whole order; else
 * the next; else a split across the region's warehouses, in list order, each taking the whole
 * line groups it can fill, when every shipment is worth at least the rules' minimum and there
 * are no more than their maximum; else a backorder. A gift travels with its main line (the line
 * `X` of a gift `X-gift`, else the order's first paid line), never alone. A warehouse with no
 * parcels left today (`parcelsLeft`: warehouse -> parcels it can still ship today; one missing
 * has no daily limit) is passed over, with that reason. Pure.
 *
 * @example
 * planRoute({ orderId: 'shop:1', lines: [{ lineId: '1', sku: 'TEA', qty: 2, gift: false, valueFen: 5000 }], address: { provinceCode: '650000', province: '新疆维吾尔自治区' } },
 *   new Map([['TEA|chengdu', 5]]), rules)
 * // { kind: 'ship', shipments: [{ warehouse: 'chengdu', lines: [...] }], reason: { region: 'remote', ... } }
 */
export function planRoute(order: RouteOrder, available: ReadonlyMap<string, number>, rules: CompiledRoutingRules, parcelsLeft: ReadonlyMap<string, number> = new Map()): RoutePlan {
  const { region, warehouses: listed } = rules.routeFor(order.address);
  const reason = (considered: WarehouseConsidered[], decision: string): RouteReason => ({ ruleVersion: rules.version, region, considered, decision });
  const need = neededBySku(order.lines);
  const full = listed.filter((w) => (parcelsLeft.get(w) ?? 1) <= 0);
  const fullConsidered = full.map((warehouse): WarehouseConsidered => ({ warehouse, verdict: 'full', detail: 'has shipped its daily capacity today' }));
  const warehouses = listed.filter((w) => !full.includes(w));
  const considered: WarehouseConsidered[] = [...fullConsidered];
  for (const [i, warehouse] of warehouses.entries()) {
    const short = shortages(need, available, warehouse);
    if (short.length === 0) {
      considered.push({ warehouse, verdict: 'fills', detail: 'has every line' });
      for (const rest of warehouses.slice(i + 1)) considered.push({ warehouse: rest, verdict: 'not_needed', detail: `${warehouse} comes first` });
      return { kind: 'ship', shipments: [{ warehouse, lines: [...order.lines] }], reason: reason(considered, `ships whole from ${warehouse}`) };
    }
    considered.push({ warehouse, verdict: 'short', detail: short.join('; ') });
  }
  const firstShort = considered[fullConsidered.length]?.detail ?? (full.length > 0 ? `${full.join(', ')} at daily capacity` : 'no warehouse in the rules');
  const whole = `${firstShort}${warehouses.length > 1 ? `; no other warehouse of ${region} (${warehouses.slice(1).join(', ')}) has it all` : ''}`;
  const split = planSplit(order.lines, available, warehouses, rules.maxShipments);
  if (split.unplaced.length > 0) {
    const detail = `backorder: ${whole}`;
    const why = split.shipments.length === 0 ? 'no warehouse can fill any line' : `no split either: ${split.unplaced.map((l) => l.sku).join(', ')} cannot be placed${split.shipments.length >= rules.maxShipments ? ` within ${rules.maxShipments} shipments` : ''}`;
    return { kind: 'backorder', detail, reason: reason([...fullConsidered, ...splitConsidered(warehouses, split.shipments)], `backorder: ${why}`) };
  }
  const small = split.shipments.filter((s) => valueOf(s.lines) < rules.minShipmentValueFen);
  const parts = split.shipments.map((s) => `${s.warehouse} (${s.lines.map((l) => l.lineId).join(', ')}; ${valueOf(s.lines)} fen)`).join(' + ');
  if (small.length > 0) {
    const under = small.map((s) => `${s.warehouse}'s part is worth ${valueOf(s.lines)} fen`).join(', ');
    const detail = `backorder: ${whole}; a split ${parts} is not worth shipping: ${under}, under the minimum ${rules.minShipmentValueFen} fen`;
    return { kind: 'backorder', detail, reason: reason([...fullConsidered, ...splitConsidered(warehouses, split.shipments)], `backorder: split not worth shipping (${under})`) };
  }
  return { kind: 'ship', shipments: split.shipments, reason: reason([...fullConsidered, ...splitConsidered(warehouses, split.shipments)], `split: ${parts}`) };
}

function neededBySku(lines: readonly RouteLine[]): Map<string, number> {
  const need = new Map<string, number>();
  for (const line of lines) need.set(line.sku, (need.get(line.sku) ?? 0) + line.qty);
  return need;
}

function shortages(need: ReadonlyMap<string, number>, available: ReadonlyMap<string, number>, warehouse: string): string[] {
  const short: string[] = [];
  for (const [sku, qty] of need) {
    const has = available.get(`${sku}|${warehouse}`) ?? 0;
    if (has < qty) short.push(`${sku} needs ${qty}, ${has} available in ${warehouse}`);
  }
  return short;
}

function valueOf(lines: readonly RouteLine[]): number {
  return lines.reduce((sum, l) => sum + l.valueFen, 0);
}

/** Lines that must ship together: a paid line and its gifts. */
function lineGroups(lines: readonly RouteLine[]): RouteLine[][] {
  const paid = lines.filter((l) => !l.gift);
  const groups = new Map<string, RouteLine[]>(paid.map((l) => [l.lineId, [l]]));
  const loose: RouteLine[] = [];
  for (const gift of lines.filter((l) => l.gift)) {
    const main = gift.lineId.endsWith('-gift') ? groups.get(gift.lineId.slice(0, -'-gift'.length)) : undefined;
    const group = main ?? (paid[0] === undefined ? undefined : groups.get(paid[0].lineId));
    if (group) group.push(gift);
    else loose.push(gift);
  }
  // An order of gifts only is one group: nothing to ship it with.
  return [...groups.values(), ...(loose.length > 0 ? [loose] : [])];
}

/** In list order, each warehouse takes every whole group it can still fill. */
function planSplit(lines: readonly RouteLine[], available: ReadonlyMap<string, number>, warehouses: readonly string[], maxShipments: number) {
  let unplaced = lineGroups(lines);
  const shipments: PlannedShipment[] = [];
  for (const warehouse of warehouses) {
    if (unplaced.length === 0 || shipments.length >= maxShipments) break;
    const left = new Map<string, number>();
    const taken: RouteLine[] = [];
    const rest: RouteLine[][] = [];
    for (const group of unplaced) {
      const need = neededBySku(group);
      const fits = [...need].every(([sku, qty]) => (left.get(sku) ?? available.get(`${sku}|${warehouse}`) ?? 0) >= qty);
      if (!fits) {
        rest.push(group);
        continue;
      }
      for (const [sku, qty] of need) left.set(sku, (left.get(sku) ?? available.get(`${sku}|${warehouse}`) ?? 0) - qty);
      taken.push(...group);
    }
    if (taken.length > 0) shipments.push({ warehouse, lines: taken });
    unplaced = rest;
  }
  return { shipments, unplaced: unplaced.flat() };
}

function splitConsidered(warehouses: readonly string[], shipments: readonly PlannedShipment[]): WarehouseConsidered[] {
  return warehouses.map((warehouse) => {
    const part = shipments.find((s) => s.warehouse === warehouse);
    return part
      ? { warehouse, verdict: 'part' as const, detail: `can ship ${part.lines.map((l) => `${l.sku} x${l.qty}`).join(', ')}` }
      : { warehouse, verdict: 'unused' as const, detail: 'can fill no remaining line group' };
  });
}
