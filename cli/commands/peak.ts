import { Command } from 'commander';
import { openPeakStore, PEAK_SETTINGS, setPeakSetting, type PeakSetting } from '../../streams/peak-mode.ts';
import { loadConfig } from '../config.ts';
import { action, InputError } from '../run-action.ts';
import { connectRunning } from '../servers.ts';
import { timeJson, timeText } from '../time-display.ts';

/**
 * `ordersurge peak on|off|auto|status`: peak mode as operators see and force it. The setting goes
 * into the KV bucket every worker watches; a forced mode applies within a second.
 */
export function peakCommand(): Command {
  return new Command('peak')
    .description('show peak mode, or force it: on (defer non-core work now), off (run it inline, replay what was deferred), auto (the guard follows the inflow)')
    .argument('[mode]', `${PEAK_SETTINGS.join(', ')} or status`, 'status')
    .option('--reason <text>', 'why, kept with the change', '')
    .option('--json', 'print the state as JSON (since ISO-8601 with offset)')
    .action(
      action(async (mode: string, opts: { reason: string; json?: boolean }) => {
        if (mode !== 'status' && !(PEAK_SETTINGS as readonly string[]).includes(mode)) {
          throw new InputError(`mode: must be one of ${PEAK_SETTINGS.join(', ')} or status, got ${JSON.stringify(mode)}`);
        }
        const conn = await connectRunning(loadConfig(), { bus: true });
        try {
          const store = await openPeakStore(conn.bus!, conn.names);
          if (mode !== 'status') await setPeakSetting(store, mode as PeakSetting, opts.reason, `ordersurge peak (${process.env.USER ?? 'operator'})`);
          const { state } = await store.read();
          const known = Date.parse(state.since) > 0;
          if (opts.json) console.log(JSON.stringify(known ? { ...state, since: timeJson(state.since) } : state));
          else {
            const since = known ? ` since ${timeText(state.since)}` : '';
            console.log(`peak mode ${state.active ? 'ON' : 'off'} (setting ${state.setting})${since}: ${state.reason} [${state.changedBy}]`);
          }
        } finally {
          await conn.close();
        }
      }),
    );
}
