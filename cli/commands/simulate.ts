import { Command } from 'commander';
import { startPlatformSimulators } from '../../scripts/simulators/platforms/start-platform-simulators.ts';
import { startSimulators } from '../../scripts/simulators/start-simulators.ts';
import { loadConfig } from '../config.ts';
import { action, InputError } from '../run-action.ts';
import { stopOnSignal } from './worker.ts';

export function rateOption(name: string, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || n > max) throw new InputError(`${name}: must be a number from 0 to ${max}, got ${JSON.stringify(value)}`);
    return n;
  };
}

export const faultOptions = (cmd: Command): Command =>
  cmd
    .option('--latency-ms <ms>', 'latency added to every simulator response', rateOption('--latency-ms', 60_000), 0)
    .option('--fail-rate <share>', 'share of simulator requests answered 503 (0-1)', rateOption('--fail-rate', 1), 0);

export function simulateCommand(): Command {
  return faultOptions(
    new Command('simulate')
      .description("run the local simulators: carrier e-waybill API, SMS gateway, WMS pick tasks, and each platform's order API (orders and later updates)")
      .option('--rate <n>', 'new orders per second each platform emits', rateOption('--rate', 100_000), 5),
  ).action(
    action(async (opts: { rate: number; latencyMs: number; failRate: number }) => {
      const config = loadConfig();
      const faults = { latencyMs: opts.latencyMs, failRate: opts.failRate };
      const sims = await startSimulators(config, faults);
      const platforms = await startPlatformSimulators({ rate: opts.rate, faults, firstPort: config.platformSimPort });
      console.log(`carrier  ${sims.carrier.url}/waybills`);
      console.log(`sms      ${sims.sms.url}/sms`);
      console.log(`wms      ${sims.wms.url}/pick-tasks`);
      console.log(`invoice  ${sims.invoice.url}/invoices`);
      for (const [channel, url] of Object.entries(platforms.urls)) console.log(`${channel.padEnd(8)} ${url} (${opts.rate} orders/s)`);
      console.log('poll them with: ordersurge connect --platform-url CHANNEL=URL ...; Ctrl-C stops them');
      await stopOnSignal(async () => {
        await platforms.close();
        await sims.close();
      });
    }),
  );
}
