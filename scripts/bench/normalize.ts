/**
 * Channel adapter throughput on one core: for each channel, a warm-up and then a timed loop over
 * that channel's fixtures, printing payloads normalized per second.
 *
 *   npx tsx scripts/bench/normalize.ts [seconds-per-channel]   (default 3)
 *
 * Payloads are parsed once up front: this measures the adapters, not JSON.parse.
 */
import { performance } from 'node:perf_hooks';
import { CHANNELS, type Channel } from '../../streams/canonical-order.ts';
import { fixtureNames, loadFixture } from '../../test/fixtures/channels/load-fixture.ts';
import { adapterFor } from '../../workers/ingest/adapters/index.ts';

const TARGET_PER_SECOND = 20_000;
const WARM_UP_MS = 1_000;
// Checking the clock every call would cost more than some adapters do.
const BATCH = 256;

interface Measurement {
  channel: Channel;
  fixtures: number;
  payloads: number;
  perSecond: number;
}

function measure(channel: Channel, durationMs: number): Measurement {
  const adapter = adapterFor(channel);
  const payloads = fixtureNames(channel).map((name) => loadFixture(channel, name));
  for (const payload of payloads) {
    const result = adapter(payload);
    if (!result.ok) throw new Error(`${channel} fixture does not normalize: ${JSON.stringify(result.errors)}`);
  }
  const run = (ms: number): { count: number; elapsed: number } => {
    let count = 0;
    let rejected = 0;
    const started = performance.now();
    let elapsed = 0;
    while (elapsed < ms) {
      for (let i = 0; i < BATCH; i++) {
        // Using the result keeps the call from being optimised away.
        if (!adapter(payloads[(count + i) % payloads.length]).ok) rejected++;
      }
      count += BATCH;
      elapsed = performance.now() - started;
    }
    if (rejected > 0) throw new Error(`${channel}: ${rejected} payloads rejected during the run`);
    return { count, elapsed };
  };
  run(WARM_UP_MS);
  const { count, elapsed } = run(durationMs);
  return { channel, fixtures: payloads.length, payloads: count, perSecond: (count / elapsed) * 1000 };
}

function main(): void {
  const seconds = Number(process.argv[2] ?? '3');
  if (!(seconds > 0)) {
    console.error(`usage: normalize.ts [seconds-per-channel], got ${process.argv[2]}`);
    process.exitCode = 2;
    return;
  }
  console.log(`normalize throughput, one core, node ${process.version}, ${seconds}s per channel after ${WARM_UP_MS / 1000}s warm-up`);
  console.log(`${'channel'.padEnd(8)} ${'fixtures'.padStart(8)} ${'payloads'.padStart(10)} ${'payloads/s'.padStart(12)}  target ${TARGET_PER_SECOND}/s`);
  let belowTarget = false;
  for (const channel of CHANNELS) {
    const m = measure(channel, seconds * 1000);
    const ok = m.perSecond >= TARGET_PER_SECOND;
    belowTarget ||= !ok;
    console.log(
      `${m.channel.padEnd(8)} ${String(m.fixtures).padStart(8)} ${String(m.payloads).padStart(10)} ${Math.round(m.perSecond).toLocaleString('en-US').padStart(12)}  ${ok ? 'ok' : 'BELOW TARGET'}`,
    );
  }
  if (belowTarget) process.exitCode = 1;
}

main();
