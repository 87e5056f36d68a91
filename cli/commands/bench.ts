import { Command } from 'commander';
import { measureCeiling } from '../../scripts/bench/relay-ceiling.ts';
import { runPipelineBench, type PipelineBenchResult } from '../../scripts/bench/pipeline-bench.ts';
import { ensureServers } from '../../scripts/servers/ensure-servers.ts';
import { connectBus } from '../../streams/connect.ts';
import { loadConfig } from '../config.ts';
import { action, InputError, intOption, positiveIntOption } from '../run-action.ts';
import { defaultWorkerProcesses } from '../worker-processes.ts';
import { isStageName, STAGES } from '../../streams/pipeline.ts';

/** A canonical order as it travels from ingest to dedupe is about this size (`bench pipeline --vs-ceiling` measures it). */
const CANONICAL_ORDER_BYTES = 1500;

export function benchCommand(): Command {
  const bench = new Command('bench').description('benchmarks on the configured servers, each on its own namespace and database, cleaned up afterwards');
  bench
    .command('ceiling')
    .description('a bare six-hop JetStream relay (consume, publish, ack; no logic) in one process: the ceiling any pipeline on these servers can approach')
    .option('--orders <n>', 'messages to relay', positiveIntOption('--orders'), 20_000)
    .option('--bytes <n>', 'message size in bytes', positiveIntOption('--bytes'), CANONICAL_ORDER_BYTES)
    .option('--json', 'print one JSON object')
    .action(
      action(async (opts: { orders: number; bytes: number; json?: boolean }) => {
        const config = loadConfig();
        const servers = await ensureServers(config, () => undefined);
        const bus = await connectBus(servers.natsUrl, 'ordersurge-bench-ceiling');
        try {
          const result = await measureCeiling(bus, `ceiling${Date.now().toString(36)}`, opts.orders, opts.bytes);
          if (opts.json) console.log(JSON.stringify(result));
          else {
            const cpu = result.machineCpuMsPerOrder === null ? '' : `, machine CPU ${result.machineCpuMsPerOrder.toFixed(2)} ms per message`;
            console.log(`relay ceiling: ${result.ordersPerSecond.toFixed(0)} orders/s (${result.orders} messages of ${result.payloadBytes} bytes, ${result.hops} hops, ${result.seconds.toFixed(2)} s${cpu})`);
          }
        } finally {
          await bus.close();
        }
      }),
    );
  bench
    .command('pipeline')
    .description('the whole pipeline: pre-generated orders of all six platforms fed into ingest by their own process, every stage on, completion counted in Postgres')
    .option('--orders <n>', 'orders to feed', positiveIntOption('--orders'), 20_000)
    .option('--processes <k>', 'worker processes, each running all six stages', positiveIntOption('--processes'), defaultWorkerProcesses())
    .option('--groups <groups>', 'worker processes by stage group instead, e.g. "ingest,dedupe,pricing,waybill,notify/routing" (one process per group; "all" is every stage)', parseGroups)
    .option('--rate <r>', 'orders per second to offer (default: as fast as ingest takes them)', intOption('--rate'), 0)
    .option('--seed <n>', 'seed of the generated orders', intOption('--seed'), 1)
    .option('--vs-ceiling', 'measure the relay ceiling in the same run and print the ratio')
    .option('--stall-s <s>', 'give up when no order completes for this long', positiveIntOption('--stall-s'), 60)
    .option('--concurrency <n>', 'messages in flight per stage and worker process (default: the worker\'s)', positiveIntOption('--concurrency'))
    .option('--batch-size <n>', 'messages per handler call (default: the worker\'s)', positiveIntOption('--batch-size'))
    .option('--pool-threads <n>', 'CPU threads per worker process (default: the worker\'s)', intOption('--pool-threads'))
    .option('--profile <dir>', 'write a CPU profile of each worker process into DIR (node --cpu-prof)')
    .option('--json', 'print one JSON object')
    .action(
      action(async (opts: { groups?: string[][]; concurrency?: number; batchSize?: number; poolThreads?: number; profile?: string; orders: number; processes: number; rate: number; seed: number; vsCeiling?: boolean; stallS: number; json?: boolean }) => {
        const result = await runPipelineBench({
          orders: opts.orders,
          processes: opts.groups ?? Array.from({ length: opts.processes }, () => ['all']),
          rate: opts.rate,
          seed: opts.seed,
          vsCeiling: opts.vsCeiling === true,
          stallSeconds: opts.stallS,
          workerArgs: [
            ...(opts.concurrency ? ['--concurrency', String(opts.concurrency)] : []),
            ...(opts.batchSize ? ['--batch-size', String(opts.batchSize)] : []),
            ...(opts.poolThreads !== undefined ? ['--pool-threads', String(opts.poolThreads)] : []),
          ],
          ...(opts.profile ? { profileDir: opts.profile } : {}),
          log: (line) => console.error(line),
        });
        console.log(opts.json ? JSON.stringify(result) : formatPipelineResult(result));
        if (result.lost > 0 || result.duplicates > 0) process.exitCode = 1;
      }),
    );
  return bench;
}

function parseGroups(value: string): string[][] {
  const groups = value.split('/').map((g) => g.split(',').map((s) => s.trim()).filter(Boolean));
  for (const stage of groups.flat()) {
    if (stage !== 'all' && !isStageName(stage)) throw new InputError(`--groups: unknown stage ${JSON.stringify(stage)}; stages are ${STAGES.join(', ')}`);
  }
  const covered = new Set<string>(groups.flat().flatMap((s): string[] => (s === 'all' ? [...STAGES] : [s])));
  const missing = STAGES.filter((s) => !covered.has(s));
  if (missing.length > 0) throw new InputError(`--groups: no process runs ${missing.join(', ')}`);
  return groups;
}


function formatPipelineResult(r: PipelineBenchResult): string {
  const lines = [
    `pipeline: ${r.ordersPerSecond.toFixed(0)} orders/s sustained (${r.notified} of ${r.orders} notified in ${r.seconds.toFixed(2)} s, ${r.processes.length} worker process(es): ${r.processes.join(' / ')}${r.offeredRate ? `, offered ${r.offeredRate}/s` : ''})`,
    `latency ingest -> notified: p50 ${r.latencyMs.p50} ms, p95 ${r.latencyMs.p95} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms`,
    `lost ${r.lost}, duplicates ${r.duplicates}, exceptions ${r.exceptions}, dead letters ${r.deadLetters}`,
    ...(r.machineCpuMsPerOrder === null ? [] : [`machine CPU per order (all processes): ${r.machineCpuMsPerOrder.toFixed(2)} ms`]),
  ];
  if (r.ceiling && r.ratio !== undefined) {
    const cpu = r.ceiling.machineCpuMsPerOrder === null ? '' : ` (machine CPU ${r.ceiling.machineCpuMsPerOrder.toFixed(2)} ms per order)`;
    lines.push(`relay ceiling (same run): ${r.ceiling.ordersPerSecond.toFixed(0)} orders/s with ${r.ceiling.payloadBytes}-byte messages${cpu}; ratio ${r.ratio.toFixed(2)}`);
  }
  return lines.join('\n');
}
