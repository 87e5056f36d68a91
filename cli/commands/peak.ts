import { Command } from 'commander';
import { openPeakStore, PEAK_SETTINGS, type PeakSetting } from '../../streams/peak-mode.ts';
import { loadConfig } from '../config.ts';
import { action, InputError } from '../run-action.ts';
import { connectRunning } from '../servers.ts';

/**
 * `ordersurge peak on|off|auto|status`: peak mode as operators see and force it. The setting goes
 * into the KV bucket every worker watches; a forced mode applies within a second.
 */
export function peakCommand(): Command {
  return new Command('peak')
    .description('show peak mode, or force it: on (defer non-core work now), off (run it inline, replay what was deferred), auto (the guard follows the inflow)')
    .argument('[mode]', `${PEAK_SETTINGS.join(', ')} or status`, 'status')
    .option('--reason <text>', 'why, kept with the change', '')
    .option('--json', 'print the state as JSON')
    .action(
      action(async (mode: string, opts: { reason: string; json?: boolean }) => {
        if (mode !== 'status' && !(PEAK_SETTINGS as readonly string[]).includes(mode)) {
          throw new InputError(`mode: must be one of ${PEAK_SETTINGS.join(', ')} or status, got ${JSON.stringify(mode)}`);
        }
        const conn = await connectRunning(loadConfig(), { bus: true });
        try {
          const store = await openPeakStore(conn.bus!, conn.names);
          if (mode !== 'status') {
            const setting = mode as PeakSetting;
            for (;;) {
              const { state, revision } = await store.read();
              const active = setting === 'auto' ? state.active : setting === 'on';
              const reason = opts.reason || (setting === 'auto' ? 'back to the guard' : `forced ${setting} by an operator`);
              const next = { setting, active, reason, since: active === state.active ? state.since : new Date().toISOString(), changedBy: `ordersurge peak (${process.env.USER ?? 'operator'})` };
              if (await store.replace(next, revision)) break;
            }
          }
          const { state } = await store.read();
          if (opts.json) console.log(JSON.stringify(state));
          else {
            const since = Date.parse(state.since) > 0 ? ` since ${state.since}` : '';
            console.log(`peak mode ${state.active ? 'ON' : 'off'} (setting ${state.setting})${since}: ${state.reason} [${state.changedBy}]`);
          }
        } finally {
          await conn.close();
        }
      }),
    );
}
