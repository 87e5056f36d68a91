import type { Db } from '../database.ts';
import type { KpiReport } from '../../workers/kpi/kpi-report.ts';

/**
 * The five KPIs of the period `[from, to)`, read from Postgres.
 *
 * @example
 * const report = await readKpis(db, { from: new Date('2026-11-11T00:00:00+08:00'), to: new Date() });
 */
export async function readKpis(_db: Db, period: { from: Date; to: Date }): Promise<KpiReport> {
  const pending = 'not computed yet';
  return {
    from: period.from,
    to: period.to,
    kpis: [
      { name: 'processing_time', value: null, unit: 'seconds', limit: '<= 2 h', healthy: null, note: pending },
      { name: 'exception_rate', value: null, unit: 'ratio', limit: '< 8%', healthy: null, note: pending },
      { name: 'inventory_accuracy', value: null, unit: 'ratio', limit: '>= 99.2%', healthy: null, note: pending },
      { name: 'complaint_rate', value: null, unit: 'ratio', limit: '<= 0.5%', healthy: null, note: 'no data source yet: complaints are not recorded' },
      { name: 'reconciliation_difference', value: null, unit: 'ratio', limit: '<= 0.3%', healthy: null, note: 'no data source yet: platform settlements are not imported' },
    ],
    alert: { firing: false, periods: 0, topExceptions: [] },
  };
}
