// The console's own cost (issue 15): opens the console's data source against the running
// pipeline (ORDERSURGE_NAMESPACE) for --seconds, at the console's own schedule, and prints the
// milliseconds each reading took (NATS: queues, peak mode, deferred backlog; Postgres: orders by
// status and connectors; the KPIs) and the CPU this process used for it. Rendering is not
// included: measure the whole console with `MEASURE_S=60 scripts/tui/tmux-check.sh`.
//   npx tsx scripts/tui/measure-cost.ts --seconds 60
import { parseArgs } from 'node:util';
import { loadConfig } from '../../cli/config.ts';
import { connectRunning } from '../../cli/servers.ts';
import { openConsoleSource } from '../../tui/console-source.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' } } });
const seconds = Number(values.seconds);
const config = loadConfig();
const conn = await connectRunning(config, { bus: true, db: true });
const source = openConsoleSource({ bus: conn.bus!, db: conn.db!, names: conn.names, peak: config.peak });
await source.ready();
const cpu0 = process.cpuUsage();
const wall0 = performance.now();
const skip = { stages: source.costs().stages.length, orders: source.costs().orders.length, kpis: source.costs().kpis.length };
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const cpu = process.cpuUsage(cpu0);
const wall = performance.now() - wall0;
const costs = source.costs();
const summary = (name: keyof typeof skip): string => {
  const ms = costs[name].slice(skip[name]).sort((a, b) => a - b);
  if (ms.length === 0) return `${name}: no readings`;
  const at = (q: number): number => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!;
  return `${name}: ${ms.length} readings, mean ${(ms.reduce((a, b) => a + b, 0) / ms.length).toFixed(1)} ms, p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${ms.at(-1)!.toFixed(1)} ms`;
};
const data = source.current();
console.log(`namespace ${config.namespace}: ${data.stages.length} stages, ${data.workers.length} worker(s), orders ${JSON.stringify(data.orders)}`);
console.log(summary('stages'));
console.log(summary('orders'));
console.log(summary('kpis'));
console.log(`data source CPU: ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms in ${(wall / 1000).toFixed(1)} s = ${((100 * (cpu.user + cpu.system)) / 1000 / wall).toFixed(2)}% of one core`);
await source.close();
await conn.close();
