/**
 * The seller's five KPIs over one period (`../shared/spec/product.md`), as `ordersurge kpi`, the
 * console's KPI panel and the KPI gauges show them, with the exception alert's state.
 */
export interface KpiReport {
  /** Start of the period (inclusive). */
  from: Date;
  /** End of the period (exclusive). */
  to: Date;
  kpis: Kpi[];
  alert: KpiAlertState;
}

/** The stable names of the five KPIs, in the order of the product spec. */
export const KPI_NAMES = [
  'processing_time',
  'exception_rate',
  'inventory_accuracy',
  'complaint_rate',
  'reconciliation_difference',
] as const;

export type KpiName = (typeof KPI_NAMES)[number];

/** One KPI over the period. */
export interface Kpi {
  /** One of `KPI_NAMES`. */
  name: string;
  /** In `unit`; null when there is no data for the period or no data source yet (see `note`). */
  value: number | null;
  /** `seconds` or `ratio` (0..1). */
  unit: string;
  /** The healthy limit as the spec writes it, e.g. `<= 2 h`, `< 8%`. */
  limit: string;
  /** Whether `value` is within `limit`; null when `value` is null. */
  healthy: boolean | null;
  /** Why the value is null, or what it counts. */
  note?: string;
}

/** The exception alert as of the end of the period. */
export interface KpiAlertState {
  /** Whether the exception rate was over its limit for the configured number of consecutive periods. */
  firing: boolean;
  /** Consecutive periods, ending with the latest, whose exception rate was over its limit. */
  periods: number;
  /** The five most frequent exception types of the latest period, most frequent first. */
  topExceptions: Array<{ type: string; count: number }>;
}
