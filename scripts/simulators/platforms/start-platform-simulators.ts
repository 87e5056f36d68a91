import { CHANNELS, type Channel } from '../../../streams/canonical-order.ts';
import type { PlatformFaults } from './api-server.ts';
import { DOUYIN, type DouyinOrder } from './douyin-platform.ts';
import { JD, type JdOrder } from './jd-platform.ts';
import { PDD, type PddOrder } from './pdd-platform.ts';
import type { SimulatedCredentials } from './platform-auth.ts';
import { startPlatformSimulator, type PlatformDefinition, type PlatformSimulator } from './platform-simulator.ts';
import { POS, type PosTicket } from './pos-platform.ts';
import { SHOP, type ShopOrder } from './shop-platform.ts';
import { TMALL, type TmallTrade } from './tmall-platform.ts';

/** The payload type of each channel's platform. */
export interface PlatformPayloads {
  tmall: TmallTrade;
  jd: JdOrder;
  douyin: DouyinOrder;
  pdd: PddOrder;
  shop: ShopOrder;
  pos: PosTicket;
}

/** Every platform the simulators fake. */
export const PLATFORMS: { readonly [C in Channel]: PlatformDefinition<PlatformPayloads[C]> } = {
  tmall: TMALL,
  jd: JD,
  douyin: DOUYIN,
  pdd: PDD,
  shop: SHOP,
  pos: POS,
};

export interface PlatformSimulatorsOptions {
  /** Platforms to run; default all six. */
  channels?: readonly Channel[];
  /** New orders per second on each platform, or per channel. */
  rate?: number | Partial<Record<Channel, number>>;
  /** Later updates per second on each platform; default a fifth of its rate. */
  updatesPerSecond?: number;
  /** After-sale steps per second on each marketplace (new after-sales and moves of open ones); default 0, none. */
  aftersalesPerSecond?: number;
  /** Calls per second each API allows before answering 429; 0 (the default) is no limit. */
  requestsPerSecond?: number;
  faults?: Partial<PlatformFaults>;
  /** First order number of every platform (deterministic ids for tests); default the start time in ms. */
  firstSeq?: number;
  /** Port of the first platform, the next ones counting up in `channels` order; 0 (the default) picks free ports. */
  firstPort?: number;
  /** Orders each platform keeps before the oldest fall off (a load test keeps them all). */
  keep?: number;
  /** Strict mode per channel: the shop credentials each marketplace checks every call against. */
  auth?: Partial<Record<Channel, SimulatedCredentials>>;
}

export interface PlatformSimulators {
  simulators: { [C in Channel]?: PlatformSimulator<PlatformPayloads[C]> };
  /** Base URL of each platform's API, for `--platform-url` and `startConnectors`. */
  urls: Partial<Record<Channel, string>>;
  close(): Promise<void>;
}

/**
 * Starts one fake order API per platform, each speaking its platform's own format and paging.
 *
 * @example
 * const sims = await startPlatformSimulators({ rate: 5, channels: ['tmall', 'shop'] });
 * console.log(sims.urls.tmall); // http://127.0.0.1:PORT, serving /router/rest
 * await sims.close();
 */
export async function startPlatformSimulators(opts: PlatformSimulatorsOptions = {}): Promise<PlatformSimulators> {
  const channels = opts.channels ?? CHANNELS;
  const simulators: PlatformSimulators['simulators'] = {};
  const urls: PlatformSimulators['urls'] = {};
  const started: PlatformSimulator<unknown>[] = [];
  try {
    for (const [index, channel] of channels.entries()) {
      const rate = typeof opts.rate === 'number' ? opts.rate : (opts.rate?.[channel] ?? 0);
      const sim = await startPlatformSimulator<PlatformPayloads[typeof channel]>(PLATFORMS[channel], {
        port: opts.firstPort ? opts.firstPort + index : 0,
        rate,
        ...(opts.updatesPerSecond !== undefined ? { updatesPerSecond: opts.updatesPerSecond } : {}),
        ...(opts.aftersalesPerSecond !== undefined ? { aftersalesPerSecond: opts.aftersalesPerSecond } : {}),
        requestsPerSecond: opts.requestsPerSecond ?? 0,
        ...(opts.firstSeq !== undefined ? { firstSeq: opts.firstSeq } : {}),
        ...(opts.keep !== undefined ? { keep: opts.keep } : {}),
        ...(opts.faults ? { faults: opts.faults } : {}),
        ...(opts.auth?.[channel] ? { auth: opts.auth[channel] } : {}),
      });
      started.push(sim);
      (simulators as Record<Channel, unknown>)[channel] = sim;
      urls[channel] = sim.url;
    }
  } catch (error) {
    await Promise.all(started.map((s) => s.close()));
    throw error;
  }
  return {
    simulators,
    urls,
    close: async () => {
      await Promise.all(started.map((s) => s.close()));
    },
  };
}
