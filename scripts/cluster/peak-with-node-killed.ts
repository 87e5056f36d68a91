// The scale-out check: a three-node NATS cluster on loopback ports, streams with three replicas,
// `ordersurge load --profile peak50x` on it with two worker processes, and one NATS server
// killed (SIGKILL) mid-run. Passes (exit 0) when the load run reports nothing lost, duplicated
// or oversold; fails (exit 1) otherwise or when it does not finish within --timeout-s.
//
//   npx tsx scripts/cluster/peak-with-node-killed.ts [--base-rate 20] [--time-scale 0.5] [--kill-after-s 45] [--report FILE.json] [--timeout-s 900] [--ceiling-orders 20000] [--stall-s 300]
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { LoadReport } from '../load/run-load.ts';
import { startNatsCluster } from './nats-cluster.ts';

const BIN = fileURLToPath(new URL('../../bin/ordersurge.mjs', import.meta.url));

const { values } = parseArgs({
  options: {
    'base-rate': { type: 'string', default: '20' },
    'time-scale': { type: 'string', default: '0.5' },
    'kill-after-s': { type: 'string', default: '45' },
    'kill-node': { type: 'string', default: '2' },
    report: { type: 'string', default: `load-peak50x-cluster-${Date.now()}.json` },
    'timeout-s': { type: 'string', default: '900' },
    'ceiling-orders': { type: 'string', default: '20000' },
    // Losing a server stalls the pipeline for a while (leader elections, clients reconnecting).
    'stall-s': { type: 'string', default: '300' },
  },
});
const killAfterS = Number(values['kill-after-s']);
const killNode = Number(values['kill-node']);
const timeoutS = Number(values['timeout-s']);
if (!(killAfterS >= 0) || !(timeoutS > 0) || ![1, 2, 3].includes(killNode)) {
  console.error('peak-with-node-killed: --kill-after-s and --timeout-s must be numbers of seconds, --kill-node 1, 2 or 3');
  process.exit(2);
}

const cluster = await startNatsCluster(3);
console.log(`cluster up: ${cluster.natsUrl}`);
let code = 1;
try {
  const load = spawn(
    process.execPath,
    [BIN, 'load', '--profile', 'peak50x', '--private', '--processes', '2', '--base-rate', values['base-rate'], '--time-scale', values['time-scale'], '--ceiling-orders', values['ceiling-orders'], '--stall-s', values['stall-s'], '--report', values.report],
    { env: { ...process.env, NATS_URL: cluster.natsUrl, ORDERSURGE_STREAM_REPLICAS: '3' }, stdio: ['ignore', 'inherit', 'pipe'] },
  );
  let killTimer: NodeJS.Timeout | undefined;
  // The run's clock starts at its "go", after the workers are up and the relay ceiling measured.
  load.stderr.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    process.stderr.write(text);
    if (killTimer === undefined && /orders\/s; go/.test(text)) {
      killTimer = setTimeout(() => {
        const node = cluster.nodes[killNode - 1]!;
        console.log(`killing NATS server ${node.name} (${node.clientUrl}) with SIGKILL, ${killAfterS} s into the run`);
        cluster.kill(killNode - 1);
      }, killAfterS * 1000);
    }
  });
  const exited = new Promise<number | null>((resolve) => load.once('exit', (c) => resolve(c)));
  const timedOut = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutS * 1000).unref());
  const outcome = await Promise.race([exited, timedOut]);
  clearTimeout(killTimer);
  if (outcome === 'timeout') {
    console.log(`FAIL: the load run did not finish within ${timeoutS} s; stopping it`);
    load.kill('SIGINT');
    await exited;
  } else if (killTimer === undefined) {
    console.log('FAIL: the load run ended before it started feeding; no server was killed');
  } else if (!existsSync(values.report)) {
    console.log(`FAIL: the load run ended (exit code ${String(outcome)}) without writing its report`);
  } else {
    const report = JSON.parse(readFileSync(values.report, 'utf8')) as LoadReport;
    const ok = report.lost === 0 && report.duplicated === 0 && report.oversold === 0 && report.offered > 0;
    console.log(
      `${ok ? 'PASS' : 'FAIL'}: one of three NATS servers killed ${killAfterS} s in; offered ${report.offered}, completed ${report.completed}, exceptions ${report.exceptions}, lost ${report.lost}, duplicated ${report.duplicated}, oversold ${report.oversold}; deferred ${report.deferred}, replayed ${report.replayed}; core p99 ${report.coreLatencyMs.p99} ms (in peak ${report.peakCoreLatencyMs?.p99 ?? '-'} ms)`,
    );
    code = ok ? 0 : 1;
  }
} finally {
  await cluster.stop();
}
process.exit(code);
