import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { parseStages, PROFILES, type ProfileName } from '../../scripts/load/load-profiles.ts';
import type { RateSegment } from '../../scripts/bench/rate-schedule.ts';
import { renderLoadReportHtml } from '../../scripts/load/report-html.ts';
import { runLoad, type LoadReport } from '../../scripts/load/run-load.ts';
import { action, InputError, intOption, positiveIntOption } from '../run-action.ts';
import { defaultWorkerProcesses } from '../worker-processes.ts';

export function loadCommand(): Command {
  return new Command('load')
    .description('replay a load profile (a steady day, a 50x peak, a flash sale, a mixed day of payments, cancellations and refunds, an overload) on the running pipeline, or on one of its own when none runs (or with --private), and report throughput, latency, peak mode and proof that nothing was lost, duplicated or oversold')
    .requiredOption('--profile <name>', `one of ${PROFILES.join(', ')}`, (value: string) => {
      if (!(PROFILES as readonly string[]).includes(value)) throw new InputError(`--profile: one of ${PROFILES.join(', ')}, got ${JSON.stringify(value)}`);
      return value as ProfileName;
    })
    .option('--base-rate <n>', 'a steady day\'s orders/s (peak50x offers 50 times it)', positiveIntOption('--base-rate'), 20)
    .option('--sustainable <n|auto>', 'orders/s the pipeline sustains here (overload offers twice it); auto: measured in the run, by a lead-in that offers as fast as admission lets', (v: string) => (v === 'auto' ? 'auto' : positiveIntOption('--sustainable')(v)), 'auto' as number | 'auto')
    .option('--time-scale <x>', 'stretch (2) or shrink (0.5) every phase', (v: string) => {
      const x = Number(v);
      if (!(x > 0 && x <= 10)) throw new InputError(`--time-scale: a number above 0 and at most 10, got ${JSON.stringify(v)}`);
      return x;
    }, 1)
    .option('--stages <list>', 'ramp stages replacing the profile\'s rates, k6-style DURATION:TARGET orders/s, e.g. "30s:20,1m:1000,2m:1000,30s:20" (each ramps from the previous target, the first from 0)', (v: string) => {
      try {
        return parseStages(v);
      } catch (error) {
        throw new InputError(`--stages: ${(error as Error).message}`);
      }
    })
    .option('--processes <k>', 'worker processes, each running every stage', positiveIntOption('--processes'), defaultWorkerProcesses())
    .option('--seed <n>', 'seed of the generated orders', intOption('--seed'), 1)
    .option('--stall-s <s>', 'stop waiting when nothing completes for this long', positiveIntOption('--stall-s'), 60)
    .option('--max-core-backlog <n>', 'intake holds while the core stages hold this many messages (0: never)', intOption('--max-core-backlog'), 10_000)
    .option('--worker-args <args>', 'extra arguments for every worker process, e.g. "--concurrency 512 --peak-concurrency 1024"', (v: string) => v.split(/\s+/).filter(Boolean), [] as string[])
    .option('--ceiling-orders <n>', 'messages the relay ceiling is measured with', positiveIntOption('--ceiling-orders'), 20_000)
    .option('--direct', 'a feeder publishes the orders straight into ingest (default: the platform simulators create them in their own formats and `ordersurge connect` polls them in)', false)
    .option('--private', 'a pipeline of its own even when one runs on the configured namespace (default: feed the running one, else start one)', false)
    .option('--report <file>', 'the JSON report; the HTML page is written next to it (default load-PROFILE-TIME.json here)')
    .action(
      action(async (opts: { stages?: RateSegment[]; direct: boolean; ceilingOrders: number; private: boolean; workerArgs: string[]; maxCoreBacklog: number; profile: ProfileName; baseRate: number; sustainable: number | 'auto'; timeScale: number; processes: number; seed: number; stallS: number; report?: string }) => {
        if (opts.stages && opts.profile === 'overload') throw new InputError('--stages: the overload profile offers twice the sustainable rate; give --sustainable N instead');
        // Ctrl-C ends the run early: the report covers what ran, and the pipeline is removed.
        const stop = new AbortController();
        const onSignal = (): void => stop.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        // On a terminal the status line is redrawn in place and other lines print above it.
        let drawn = false;
        const log = (line: string): void => {
          if (drawn) process.stderr.write('\r\x1b[K');
          drawn = false;
          console.error(line);
        };
        const progress = process.stderr.isTTY
          ? (line: string): void => {
              process.stderr.write(`\r\x1b[K${line.slice(0, Math.max(20, (process.stderr.columns || 80) - 1))}`);
              drawn = true;
            }
          : undefined;
        const report = await runLoad({ ...opts, stallSeconds: opts.stallS, signal: stop.signal, log, ...(progress ? { progress } : {}) }).finally(() => {
          if (drawn) process.stderr.write('\n');
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        });
        const json = opts.report ?? `load-${opts.profile}-${report.startedAt.replace(/[:.]/g, '-')}.json`;
        const html = json.replace(/\.json$/i, '') + '.html';
        writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
        writeFileSync(html, renderLoadReportHtml(report));
        console.log(summary(report));
        console.log(`report: ${json} and ${html}`);
        if (report.lost > 0 || report.duplicated > 0 || report.oversold > 0) process.exitCode = 1;
      }),
    );
}

function summary(r: LoadReport): string {
  return [
    `${r.profile} on ${r.cluster === 'own' ? 'a pipeline of its own' : `the ${r.cluster} cluster`}${r.stoppedEarly ? ' (STOPPED EARLY: lost includes what was in flight)' : ''}: offered ${r.offered}, completed ${r.completed}, cancelled ${r.cancelled}, exceptions ${r.exceptions}${r.exceptions > 0 ? ` (${Object.entries(r.exceptionsByType).map(([type, n]) => `${type} ${n}`).join(', ')})` : ''}, lost ${r.lost}, duplicated ${r.duplicated}, oversold ${r.oversold}`,
    `core throughput ${r.throughput.toFixed(1)} orders/s (${r.ceilingRatio.toFixed(2)} of the relay ceiling ${r.ceilingOrdersPerSecond.toFixed(0)}/s), ${r.goodputWhileOffered.toFixed(1)}/s over ${r.measured.from.toFixed(0)}-${r.measured.to.toFixed(0)} s${r.overload ? ` = ${(r.overload.goodputRatio * 100).toFixed(0)}% of the sustainable ${r.overload.sustainable}/s (${r.overload.sustainableMeasured ? 'measured in the saturating lead-in' : `given; the lead-in at it did ${r.overload.leadInCorePerS.toFixed(0)}/s`})` : ''}; backlog drained ${r.backlogDrainedAfterS === null ? 'never' : `${r.backlogDrainedAfterS.toFixed(0)} s after the schedule`}; redelivered at most ${r.redeliveredMax}; core latency p50 ${r.coreLatencyMs.p50} ms, p99 ${r.coreLatencyMs.p99} ms; to notified p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms`,
    `peak mode: ${r.peakPeriods.map((p) => `${p.from}-${p.to ?? 'end'} s`).join(', ') || 'never'}; deferred ${r.deferred}, replayed ${r.replayed}${r.replayDoneAfterS === null ? '' : ` (done ${r.replayDoneAfterS.toFixed(0)} s after the last order)`}; core p99 in peak ${r.peakCoreLatencyMs?.p99 ?? '-'} ms; worker peak RSS ${r.workerPeakRssMb} MB`,
  ].join('\n');
}
