import { breakerSettings, serviceBreaker, type ServiceBreaker } from './service-breaker.ts';

const breakers = new Map<string, ServiceBreaker>();

/**
 * The breaker of one outside service in this process, made on first use: one per service and
 * URL, so every batch of a stage (and every stage of the process) that calls the same carrier,
 * WMS or SMS gateway shares what it learnt of it. Settings from the environment
 * (`breakerSettings`).
 *
 * @example
 * const wms = breakerFor('wms', ctx.settings.wmsUrl, ctx.log);
 * const answers = await wms.call(() => postBatchOrThrow(url, items, 100), stageSignal(ctx));
 */
export function breakerFor(service: string, url: string, log: (line: string) => void): ServiceBreaker {
  const key = `${service} ${url}`;
  let breaker = breakers.get(key);
  if (!breaker) {
    breaker = serviceBreaker(service, { ...breakerSettings(), log });
    breakers.set(key, breaker);
  }
  return breaker;
}
