import type { Config } from '../../cli/config.ts';
import { startCarrierSimulator } from './carrier-simulator.ts';
import type { Faults, RunningServer } from './json-server.ts';
import { startShopSimulator, type ShopSimulator } from './shop-simulator.ts';
import { startSmsSimulator } from './sms-simulator.ts';

export interface Simulators {
  carrier: RunningServer;
  sms: RunningServer;
  shop: ShopSimulator;
  close(): Promise<void>;
}

/** Starts the carrier, SMS and shop simulators on the configured ports. */
export async function startSimulators(config: Config, faults: Faults, shopRate: number): Promise<Simulators> {
  const carrier = await startCarrierSimulator(config.carrierSimPort, faults);
  const sms = await startSmsSimulator(config.smsSimPort, faults);
  const shop = await startShopSimulator(config.shopSimPort, faults, { rate: shopRate });
  return {
    carrier,
    sms,
    shop,
    close: async () => {
      await Promise.all([carrier.close(), sms.close(), shop.close()]);
    },
  };
}
