// Starts a three-node NATS JetStream cluster on loopback ports for trying ordersurge on a real
// cluster: prints the NATS_URL to use (with ORDERSURGE_STREAM_REPLICAS=3), then runs until
// Ctrl-C, until --duration runs out, or until `--stop` is run from another shell.
//
//   npx tsx scripts/cluster/start-nats-cluster.ts [--size 3] [--duration SECONDS]
//   npx tsx scripts/cluster/start-nats-cluster.ts --stop
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startNatsCluster } from './nats-cluster.ts';

const STATE_FILE = path.join(tmpdir(), 'ordersurge-nats-cluster.pid');

const { values } = parseArgs({ options: { size: { type: 'string', default: '3' }, duration: { type: 'string', default: '3600' }, stop: { type: 'boolean', default: false } } });

if (values.stop) {
  if (!existsSync(STATE_FILE)) {
    console.log('no cluster started by this script is running: nothing to do');
    process.exit(0);
  }
  const pid = Number(readFileSync(STATE_FILE, 'utf8').trim());
  try {
    process.kill(pid, 'SIGTERM');
    console.log(`asked the cluster's script (pid ${pid}) to stop its servers`);
  } catch {
    console.log(`the cluster's script (pid ${pid}) is gone; removing its pid file`);
    rmSync(STATE_FILE, { force: true });
  }
  process.exit(0);
}

const size = Number(values.size);
const duration = Number(values.duration);
if (!Number.isInteger(size) || size < 1 || size > 5 || !(duration > 0)) {
  console.error(`start-nats-cluster: --size must be 1 to 5 and --duration a positive number of seconds, got ${JSON.stringify(values.size)} and ${JSON.stringify(values.duration)}`);
  process.exit(2);
}
const cluster = await startNatsCluster(size);
writeFileSync(STATE_FILE, String(process.pid));
console.log(`NATS cluster of ${size} up (stores in ${cluster.nodes.map((n) => n.storeDir).join(', ')}); use it with:`);
console.log(`  export NATS_URL=${cluster.natsUrl} ORDERSURGE_STREAM_REPLICAS=${Math.min(3, size)}`);
console.log(`stops after ${duration} s, on Ctrl-C, or with: npx tsx scripts/cluster/start-nats-cluster.ts --stop`);
let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await cluster.stop();
  rmSync(STATE_FILE, { force: true });
  console.log('NATS cluster stopped, stores removed');
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
setTimeout(() => void stop(), duration * 1000);
