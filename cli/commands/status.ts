import { Command } from 'commander';
import { listAftersalePollers, type AftersalePoller } from '../../sql/queries/aftersale-pollers.ts';
import { countExceptionsByType } from '../../sql/queries/order-list.ts';
import type { PipelineSnapshot } from '../../tui/pipeline-snapshot.ts';
import { snapshotReader } from '../../tui/pipeline-snapshot.ts';
import { agoText, shopsToReauthorise, type ShopConnector } from '../../tui/shop-connectors.ts';
import { sleep } from '../../workers/sleep.ts';
import { loadConfig } from '../config.ts';
import { action, positiveIntOption } from '../run-action.ts';
import { connectRunning } from '../servers.ts';
import { fitLine, wrapLines } from '../text-cell.ts';
import { timeJson, timeText } from '../time-display.ts';

export interface StatusView {
  namespace: string;
  natsVersion: string;
  snapshot: PipelineSnapshot;
  exceptions: Record<string, number>;
  /** Each shop's after-sale poller, shown under its order connector's row (absent: none read). */
  aftersales?: AftersalePoller[];
}

export function statusCommand(): Command {
  return new Command('status')
    .description('per-stage queue depth (pending, ack pending), oldest message age, criticality, redeliveries, dead letters, orders by status, exceptions by type, and connector cursors and failures (orders and after-sales, per shop)')
    .option('--json', 'print JSON (times ISO-8601 with offset)')
    .option('--watch [seconds]', 'print it again every few seconds (2 by default) until Ctrl-C', positiveIntOption('--watch'))
    .action(
      action(async (opts: { json?: boolean; watch?: number | true }) => {
        const config = loadConfig();
        const conn = await connectRunning(config, { bus: true, db: true, natsRole: 'console' });
        const abort = new AbortController();
        const onSigint = (): void => abort.abort();
        process.once('SIGINT', onSigint);
        try {
          const reader = snapshotReader(conn.bus!.jsm, conn.db!, conn.names);
          const everyMs = opts.watch === undefined ? 0 : (opts.watch === true ? 2 : opts.watch) * 1000;
          const clear = everyMs > 0 && process.stdout.isTTY && !opts.json;
          do {
            const [snapshot, exceptions, aftersales] = await Promise.all([reader.read(), countExceptionsByType(conn.db!), listAftersalePollers(conn.db!)]);
            const view: StatusView = { namespace: config.namespace, natsVersion: conn.bus!.features.version, snapshot, exceptions, aftersales };
            if (clear) process.stdout.write('\x1b[H\x1b[2J');
            console.log(opts.json ? JSON.stringify(statusJson(view), null, 2) : formatStatus(view));
            if (everyMs > 0) await sleep(everyMs, abort.signal);
          } while (everyMs > 0 && !abort.signal.aborted);
        } finally {
          process.off('SIGINT', onSigint);
          await conn.close();
        }
      }),
    );
}

/** `status --json`: the snapshot with exceptions by type; times ISO-8601 with the display zone's offset. */
export function statusJson(view: StatusView) {
  const { snapshot } = view;
  return {
    namespace: view.namespace,
    natsVersion: view.natsVersion,
    ...snapshot,
    at: timeJson(snapshot.at),
    exceptions: view.exceptions,
    connectors: snapshot.connectors.map((c) => ({ ...c, cursorAt: timeJson(c.cursorAt) })),
    // Each shop's after-sale poller beside its order connector (null: it has not polled after-sales).
    shops: [...snapshot.shops.map((s) => ({ ...shopJson(s), aftersales: aftersaleJson(pollerOf(view, s)) })), ...pollersWithoutShop(view).map((a) => ({ channel: a.channel, shop: a.shop, aftersales: aftersaleJson(a) }))],
    // The accounts whose token refresh failed: their orders stop coming in until re-authorised.
    reauthorise: shopsToReauthorise(snapshot.shops).map(shopJson),
  };
}

function aftersaleJson(a: AftersalePoller | undefined) {
  if (!a) return null;
  const { channel: _channel, shop: _shop, ...rest } = a;
  return { ...rest, cursorAt: timeJson(a.cursorAt), lastAdvancedAt: a.lastAdvancedAt && timeJson(a.lastAdvancedAt) };
}

function pollerOf(view: StatusView, s: { channel: string; shop: string }): AftersalePoller | undefined {
  return view.aftersales?.find((a) => a.channel === s.channel && a.shop === s.shop);
}

/** Pollers of a shop with no order connector row (not expected: both start together); shown, not lost. */
function pollersWithoutShop(view: StatusView): AftersalePoller[] {
  return (view.aftersales ?? []).filter((a) => !view.snapshot.shops.some((s) => s.channel === a.channel && s.shop === a.shop));
}

function shopJson(s: ShopConnector) {
  return {
    ...s,
    cursorAt: s.cursorAt && timeJson(s.cursorAt),
    lastAdvancedAt: s.lastAdvancedAt && timeJson(s.lastAdvancedAt),
    reauthorise: s.reauthorise && { since: timeJson(s.reauthorise.since), error: s.reauthorise.error },
  };
}

/** `status` for people, in 80 columns. */
export function formatStatus(view: StatusView): string {
  const { snapshot } = view;
  const out = [
    `namespace ${view.namespace} on NATS ${view.natsVersion}, ${timeText(snapshot.at)}`,
    'stage      pending  ack-pend  oldest(s)  redelivered  dead-letters  criticality',
  ];
  for (const s of snapshot.stages) {
    const cells = [String(s.pending).padStart(7), String(s.ackPending).padStart(8), (s.oldestAgeMs / 1000).toFixed(1).padStart(9), String(s.redelivered).padStart(11), String(s.deadLetters).padStart(12)];
    out.push(`${s.stage.padEnd(10)} ${cells.join('  ')}  ${s.criticality}`);
  }
  out.push(...wrapLines(`orders: ${Object.entries(snapshot.orders).map(([k, v]) => `${k} ${v}`).join(', ') || 'none yet'}`));
  const exceptions = Object.entries(view.exceptions);
  if (exceptions.length) {
    out.push(...wrapLines(`exceptions: ${exceptions.map(([type, n]) => `${type} ${n}`).join(', ')}`), '  (which: ordersurge order list --exception TYPE; what to do: docs/runbook.md)');
  }
  const orphans = pollersWithoutShop(view);
  if (snapshot.shops.length || orphans.length) out.push('connectors, per shop account:');
  for (const s of snapshot.shops) {
    // The whole error is in --json; each line stays within 80 columns.
    out.push(fitLine(`  ${s.channel}/${s.shop}: ${shopHealth(s, snapshot.at)}`));
    const poller = pollerOf(view, s);
    if (poller) out.push(...aftersaleLines(poller, snapshot.at));
  }
  for (const a of orphans) out.push(`  ${a.channel}/${a.shop}: after-sales only`, ...aftersaleLines(a, snapshot.at));
  const reauthorise = shopsToReauthorise(snapshot.shops);
  if (reauthorise.length) {
    out.push(`shops to re-authorise (${reauthorise.length}; token refresh failed, no orders come in):`);
    for (const s of reauthorise) {
      out.push(fitLine(`  ${s.channel}/${s.shop}: since ${agoText(s.reauthorise.since, snapshot.at)}, ${s.lastAdvancedAt ? `cursor moved ${agoText(s.lastAdvancedAt, snapshot.at)}` : 'cursor never moved'}: ${s.reauthorise.error.replace(/^token refresh failed: /, '')}`));
    }
    out.push('  (ordersurge shops add CODE --channel C ... with its new tokens)');
  }
  return out.join('\n');
}

/**
 * An after-sale poller's line under its shop, health first like the shop's: records applied and
 * pending (waiting for their order or an operator), after its cursor (the word left out: the shop's
 * line above says it); while failing, the error on a line of its own
 * (cut; whole in --json). Past failed polls are left to --json: the line must stay within 80
 * columns.
 */
function aftersaleLines(a: AftersalePoller, at: Date): string[] {
  const health = a.consecutiveFailures > 0 ? `FAILING x${a.consecutiveFailures}` : 'ok';
  const head = `    after-sales: ${health}, ${timeText(a.cursorAt).slice(5, 19)} (${a.lastAdvancedAt ? agoText(a.lastAdvancedAt, at) : 'never moved'}), ${a.applied} applied, ${a.pending} pending`;
  return a.consecutiveFailures > 0 ? [fitLine(head), fitLine(`      ${a.lastError ?? ''}`)] : [fitLine(head)];
}

/** The health first, so a long line is cut in its error, never in what state the shop is in. */
function shopHealth(s: ShopConnector, at: Date): string {
  const health = s.reauthorise ? 'RE-AUTHORISE' : s.consecutiveFailures > 0 ? `FAILING x${s.consecutiveFailures}` : 'ok';
  if (s.cursorAt === null) return s.reauthorise ? `${health}, not polled yet` : 'not polled yet';
  // The zone's offset is on the first line; here it would cost the room of the error.
  const head = `${health}, cursor ${timeText(s.cursorAt).slice(5, 19)} (${s.lastAdvancedAt ? agoText(s.lastAdvancedAt, at) : 'never moved'}), ${s.published} in`;
  return s.consecutiveFailures > 0 ? `${head}: ${s.lastError ?? ''}` : `${head}, ${s.failures} failed polls`;
}
