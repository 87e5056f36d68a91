import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';

/** What a process serving metrics is: a stage worker, or a standalone `ordersurge connect`. */
export type ScrapeRole = 'worker' | 'connector';

export interface ScrapeTargetOptions {
  /** The name Prometheus reaches this machine by (default: its hostname). */
  host?: string;
  /** Labelled `role` on the target (default `worker`), so a query or an alert can tell them apart. */
  role?: ScrapeRole;
}

/**
 * This process's entry for Prometheus file-based service discovery (`file_sd_configs`): a file
 * `<host>-<pid>.json` in `dir` naming `host:port`, labelled with its role and its stages (none
 * for a connector). Written atomically (a temporary file renamed), so Prometheus never reads half
 * of one; removed on a clean stop. A process killed hard leaves its file: Prometheus then shows
 * that target down until it is removed.
 *
 * @example
 * const target = await writeScrapeTarget('/var/lib/ordersurge/sd', 9464, ['routing']);
 * const connector = await writeScrapeTarget('/var/lib/ordersurge/sd', 9470, [], { role: 'connector' });
 * await target.remove();
 */
export async function writeScrapeTarget(dir: string, port: number, stages: readonly string[], opts: ScrapeTargetOptions = {}): Promise<{ file: string; remove(): Promise<void> }> {
  const host = opts.host ?? hostname();
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${host}-${process.pid}.json`);
  const entry = [{ targets: [`${host}:${port}`], labels: { job: 'ordersurge', role: opts.role ?? 'worker', stages: stages.join(','), pid: String(process.pid) } }];
  await writeFile(`${file}.tmp`, `${JSON.stringify(entry, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
  return { file, remove: () => rm(file, { force: true }) };
}
