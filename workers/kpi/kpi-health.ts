import type { Kpi, KpiName } from './kpi-report.ts';

/** A KPI's healthy limit: the value must be `op` the bound. */
interface KpiLimit {
  unit: 'seconds' | 'ratio';
  op: '<=' | '<' | '>=';
  bound: number;
  /** The limit as the product spec writes it. */
  text: string;
}

/** The healthy limits of `../shared/spec/product.md`. */
export const KPI_LIMITS: Record<KpiName, KpiLimit> = {
  processing_time: { unit: 'seconds', op: '<=', bound: 2 * 3600, text: '<= 2 h' },
  exception_rate: { unit: 'ratio', op: '<', bound: 0.08, text: '< 8%' },
  inventory_accuracy: { unit: 'ratio', op: '>=', bound: 0.992, text: '>= 99.2%' },
  complaint_rate: { unit: 'ratio', op: '<=', bound: 0.005, text: '<= 0.5%' },
  reconciliation_difference: { unit: 'ratio', op: '<=', bound: 0.003, text: '<= 0.3%' },
};

/**
 * One KPI with its unit, limit and health; a null value (no data, or no data source yet) has a
 * null health and should carry a note saying why.
 *
 * @example
 * kpi('exception_rate', 0.05) // { name: 'exception_rate', value: 0.05, unit: 'ratio', limit: '< 8%', healthy: true }
 */
export function kpi(name: KpiName, value: number | null, note?: string): Kpi {
  const limit = KPI_LIMITS[name];
  return {
    name,
    value,
    unit: limit.unit,
    limit: limit.text,
    healthy: value === null ? null : within(value, limit),
    ...(note === undefined ? {} : { note }),
  };
}

function within(value: number, limit: KpiLimit): boolean {
  switch (limit.op) {
    case '<=':
      return value <= limit.bound;
    case '<':
      return value < limit.bound;
    case '>=':
      return value >= limit.bound;
    default: {
      const never: never = limit.op;
      throw new Error(`unknown limit operator ${String(never)}`);
    }
  }
}
