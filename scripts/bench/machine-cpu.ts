import { readFileSync } from 'node:fs';

/**
 * CPU seconds the whole machine spent busy (user, nice, system, irq, softirq) so far, from
 * /proc/stat; undefined where there is none. Compared across a run, it tells what an order costs
 * in CPU whoever spent it (workers, NATS, Postgres), which varies less than a rate on a shared
 * machine.
 */
export function machineBusySeconds(): number | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = cpu;
    // /proc/stat counts in USER_HZ, 100 per second on every Linux build that matters.
    return (user + nice + system + irq + softirq) / 100;
  } catch {
    return undefined;
  }
}
