import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../cli/config.ts';

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
});

if (!promtool) console.warn(HOW);
