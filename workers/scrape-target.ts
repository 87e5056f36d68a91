import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';

/**
 * This process's entry for Prometheus file-based service discovery (`file_sd_configs`): a file
 * `<host>-<pid>.json` in `dir` naming `host:port` with its stages as a label. Written atomically
 * (a temporary file renamed), so Prometheus never reads half of one; removed on a clean stop. A
 * process killed hard leaves its file: Prometheus then shows that target down until it is removed.
 *
 * @example
 * const target = await writeScrapeTarget('/var/lib/ordersurge/sd', 9464, ['routing']);
 * await target.remove();
 */
export async function writeScrapeTarget(dir: string, port: number, stages: readonly string[], host: string = hostname()): Promise<{ file: string; remove(): Promise<void> }> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${host}-${process.pid}.json`);
  const entry = [{ targets: [`${host}:${port}`], labels: { job: 'ordersurge', stages: stages.join(','), pid: String(process.pid) } }];
  await writeFile(`${file}.tmp`, `${JSON.stringify(entry, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
  return { file, remove: () => rm(file, { force: true }) };
}
