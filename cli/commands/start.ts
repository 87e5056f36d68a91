import { Command } from 'commander';
import { runDemo, type DemoOptions } from '../../scripts/demo/run-demo.ts';
import { DEFAULT_RUNNER } from '../../workers/runner.ts';
import { action, intOption } from '../run-action.ts';
import { faultOptions, rateOption } from './simulate.ts';

export function startCommand(): Command {
  return faultOptions(
    new Command('start')
      .description('the demo: servers, migrations, topology, all six stages, the simulators, and orders fed at a steady rate, with a live status line')
      .option('--rate <n>', 'orders per second the demo platforms emit in all (split evenly across the six channels)', rateOption('--rate', 100_000), 30)
      .option('--duration <s>', 'stop by itself after this many seconds (0: run until Ctrl-C)', intOption('--duration'), 0)
      .option('--concurrency <n>', 'messages in flight per stage and process', intOption('--concurrency'), DEFAULT_RUNNER.concurrency)
      .option('--worker-processes <n>', 'separate worker processes running all six stages (0: inside this process, fastest on one small machine)', intOption('--worker-processes'), 0)
      .option('--poll-ms <ms>', 'how often each platform is polled', intOption('--poll-ms'), 1000),
  ).action(action((opts: DemoOptions) => runDemo(opts)));
}
