import { z } from 'zod';
import { lookupProvince } from '../ingest/adapters/province.ts';

const warehouseCode = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be a warehouse code: lower-case letters, digits, - or _');
const warehouseList = z.array(warehouseCode).min(1, 'must list at least one warehouse').refine((list) => new Set(list).size === list.length, 'lists a warehouse twice');

const routingRulesSchema = z
  .object({
    regions: z.array(
      z
        .object({
          code: z.string().min(1),
          name: z.string().default(''),
          /** Any name `lookupProvince` knows: 新疆, 新疆维吾尔自治区, Xinjiang, or a GB/T 2260 code. */
          provinces: z.array(z.string().min(1)).min(1, 'must list at least one province'),
          /** In preference order: the first that can fill the whole order ships it. */
          warehouses: warehouseList,
        })
        .strict(),
    ),
    /** The catch-all: provinces no region lists. */
    default: warehouseList,
    split: z
      .object({
        /** A split shipment worth less than this (fen, goods value of its lines) is not shipped: the order waits as a backorder. */
        minShipmentValueFen: z.number().int().nonnegative(),
        maxShipments: z.number().int().min(1),
      })
      .strict(),
  })
  .strict();

/** A routing rule file as stored (`ordersurge routing set FILE`). */
export type RoutingRules = z.infer<typeof routingRulesSchema>;

export type RulesParse = { ok: true; value: RoutingRules } | { ok: false; errors: string[] };

/**
 * Checks a routing rule file: its shape, that every province name is one we know, that no
 * province is in two regions, and that region codes are unique. Warehouses are checked against
 * the warehouse table where the file is stored, not here (this is pure).
 *
 * @example
 * parseRoutingRules({ regions: [{ code: 'remote', provinces: ['新疆'], warehouses: ['chengdu'] }], default: ['suzhou'], split: { minShipmentValueFen: 2000, maxShipments: 2 } })
 * // { ok: true, value: { ... } }
 */
export function parseRoutingRules(json: unknown): RulesParse {
  const parsed = routingRulesSchema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.map((i) => `${i.path.map(String).join('.') || 'rules'}: ${i.message}`) };
  }
  const errors: string[] = [];
  const regionOf = new Map<string, string>();
  const codes = new Set<string>();
  parsed.data.regions.forEach((region, r) => {
    if (codes.has(region.code)) errors.push(`regions.${r}.code: region ${JSON.stringify(region.code)} is defined twice`);
    codes.add(region.code);
    region.provinces.forEach((name, p) => {
      const code = provinceCodeOf(name);
      if (code === undefined) {
        errors.push(`regions.${r}.provinces.${p}: unknown province ${JSON.stringify(name)}`);
        return;
      }
      const earlier = regionOf.get(code);
      if (earlier !== undefined) errors.push(`regions.${r}.provinces.${p}: ${JSON.stringify(name)} is already in region ${JSON.stringify(earlier)}`);
      else regionOf.set(code, region.code);
    });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: parsed.data };
}

function provinceCodeOf(name: string): string | undefined {
  if (/^\d{6}$/.test(name)) return name;
  return lookupProvince(name)?.code;
}

/** Where one province's orders go. */
export interface RegionRoute {
  /** The region's code, or `default` for the catch-all. */
  region: string;
  warehouses: readonly string[];
}

/** A rule file ready to answer, with the version it was stored as. */
export interface CompiledRoutingRules {
  version: number;
  /** Every warehouse any rule names: the stock routing reads. */
  warehouses: readonly string[];
  minShipmentValueFen: number;
  maxShipments: number;
  /** The region and warehouse list of a province, by its GB/T 2260 code or any known name. */
  routeFor(province: { provinceCode: string; province: string }): RegionRoute;
}

/**
 * Compiles parsed rules once per version: a province code -> region map.
 *
 * @example
 * compileRoutingRules(rules, 3).routeFor({ provinceCode: '650000', province: '新疆维吾尔自治区' })
 * // { region: 'remote', warehouses: ['chengdu', 'beijing'] }
 */
export function compileRoutingRules(rules: RoutingRules, version: number): CompiledRoutingRules {
  const byCode = new Map<string, RegionRoute>();
  for (const region of rules.regions) {
    for (const name of region.provinces) {
      const code = provinceCodeOf(name);
      if (code !== undefined && !byCode.has(code)) byCode.set(code, { region: region.code, warehouses: region.warehouses });
    }
  }
  const fallback: RegionRoute = { region: 'default', warehouses: rules.default };
  const warehouses = [...new Set([...rules.regions.flatMap((r) => r.warehouses), ...rules.default])].sort();
  return {
    version,
    warehouses,
    minShipmentValueFen: rules.split.minShipmentValueFen,
    maxShipments: rules.split.maxShipments,
    routeFor({ provinceCode, province }) {
      const code = provinceCode !== '' ? provinceCode : provinceCodeOf(province);
      return (code === undefined ? undefined : byCode.get(code)) ?? fallback;
    },
  };
}
