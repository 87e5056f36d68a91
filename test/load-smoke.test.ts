import { describe, expect, it } from 'vitest';
import { runLoad } from '../scripts/load/run-load.ts';

// The load harness at a size that proves it counts right; its speed is not asserted here.
describe('ordersurge load, tiny', () => {
  it('mixed: payments, cancellations, refunds and address changes among the orders; every order ends somewhere, none lost, duplicated or oversold', async () => {
    const report = await runLoad({
      profile: 'mixed',
      baseRate: 10,
      sustainable: 'auto',
      timeScale: 0.1,
      processes: 1,
      seed: 11,
      stallSeconds: 30,
      maxCoreBacklog: 10_000,
      workerArgs: [],
      private: true,
      direct: true,
      ceilingOrders: 500,
      log: () => undefined,
    });
    // 12 s at 20 messages/s, updates included.
    expect(report.offered).toBeGreaterThan(150);
    const { profile, cluster, stoppedEarly, lost, duplicated, oversold, offered, completed, cancelled, exceptionsByType } = report;
    expect({ profile, cluster, stoppedEarly, lost, duplicated, oversold, offered, completed, cancelled, exceptionsByType }).toMatchObject({ profile: 'mixed', cluster: 'own', stoppedEarly: false, lost: 0, duplicated: 0, oversold: 0 });
    // Unpaid orders cancelled, and paid ones cancelled before or after their waybill.
    expect(report.cancelled + report.exceptions).toBeGreaterThan(0);
    expect(report.completed).toBeGreaterThan(report.offered * 0.8);
    expect(report.completed).toBeLessThanOrEqual(report.offered);
  }, 150_000);

  it('baseline through the platform simulators and ordersurge connect: every order created at a platform is polled in and notified once', async () => {
    const report = await runLoad({
      profile: 'baseline',
      baseRate: 10,
      sustainable: 'auto',
      timeScale: 0.1,
      processes: 1,
      seed: 12,
      stallSeconds: 30,
      maxCoreBacklog: 10_000,
      workerArgs: [],
      private: true,
      direct: false,
      ceilingOrders: 500,
      log: () => undefined,
    });
    const { stoppedEarly, lost, duplicated, oversold, offered, completed } = report;
    // 12 s at 10 orders/s, created in the platforms' own formats.
    expect(offered).toBeGreaterThan(100);
    expect({ stoppedEarly, lost, duplicated, oversold, completed }).toEqual({ stoppedEarly: false, lost: 0, duplicated: 0, oversold: 0, completed: offered });
  }, 150_000);
});
