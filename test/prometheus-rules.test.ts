import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../cli/config.ts';
import { writeScrapeTarget } from '../workers/scrape-target.ts';

const dir = path.join(PROJECT_ROOT, 'ops', 'prometheus');
const promtool = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).stdout.trim();
const HOW = 'promtool not found: install it with `apt-get install -y --no-install-recommends prometheus` (Debian/Ubuntu; .ci/run does) to check the alert rules';

describe.skipIf(!promtool)(promtool ? 'Prometheus alert rules (promtool)' : `Prometheus alert rules: skipped, ${HOW}`, () => {
  const run = (...args: string[]): { status: number | null; output: string } => {
    const r = spawnSync(promtool, args, { cwd: dir, encoding: 'utf8' });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  };

  it('pass promtool check rules', () => {
    const r = run('check', 'rules', 'alerts.yml');
    expect(r.output).toContain('SUCCESS: 7 rules found');
    expect(r.status).toBe(0);
  });

  it('pass their unit tests (promtool test rules)', () => {
    const r = run('test', 'rules', 'alerts.test.yml');
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it('the scrape configuration is valid', () => {
    const r = run('check', 'config', '--syntax-only', 'prometheus.yml');
    expect(r.status, r.output).toBe(0);
  });

  it('the scrape job finds the target files workers and connectors write, a connector labelled role="connector"', async () => {
    // The shipped configuration, its file-SD directory moved to a temporary one (rules left out: checked above).
    const sd = mkdtempSync(path.join(tmpdir(), 'ordersurge-sd-'));
    try {
      const config = readFileSync(path.join(dir, 'prometheus.yml'), 'utf8').replace('/var/lib/ordersurge/sd/', `${sd}/targets/`).replace(/rule_files:\n\s+- alerts\.yml\n/, '');
      writeFileSync(path.join(sd, 'prometheus.yml'), config);
      const connector = await writeScrapeTarget(path.join(sd, 'targets'), 9470, [], { host: 'connect-1', role: 'connector' });
      const r = spawnSync(promtool, ['check', 'service-discovery', '--timeout=5s', path.join(sd, 'prometheus.yml'), 'ordersurge'], { encoding: 'utf8', timeout: 30_000 });
      expect(r.status, r.stderr).toBe(0);
      const found = JSON.parse(r.stdout) as { labels: Record<string, string> }[];
      expect(found.map((t) => t.labels)).toEqual([expect.objectContaining({ instance: 'connect-1:9470', job: 'ordersurge', role: 'connector' })]);
      await connector.remove();
    } finally {
      rmSync(sd, { recursive: true, force: true });
    }
  });
});

if (!promtool) console.warn(HOW);
