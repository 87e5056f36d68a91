import { Command } from 'commander';
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
      .description('run the local simulators: carrier e-waybill API, SMS gateway, and a web shop that emits orders')
      .option('--rate <n>', 'orders per second the shop emits', rateOption('--rate', 100_000), 10),
  ).action(
    action(async (opts: { rate: number; latencyMs: number; failRate: number }) => {
      const config = loadConfig();
      const sims = await startSimulators(config, { latencyMs: opts.latencyMs, failRate: opts.failRate }, opts.rate);
      console.log(`carrier  ${sims.carrier.url}/waybills`);
      console.log(`sms      ${sims.sms.url}/sms`);
      console.log(`shop     ${sims.shop.url}/admin/api/orders.json (${opts.rate} orders/s)`);
      console.log('Ctrl-C stops them');
      await stopOnSignal(() => sims.close());
    }),
  );
}
