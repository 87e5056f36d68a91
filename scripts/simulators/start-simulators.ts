import type { Config } from '../../cli/config.ts';
import { startCarrierSimulator } from './carrier-simulator.ts';
import type { Faults, RunningServer } from './json-server.ts';
import { startSmsSimulator } from './sms-simulator.ts';
import { startWmsSimulator } from './wms-simulator.ts';

export interface Simulators {
  carrier: RunningServer;
  sms: RunningServer;
  wms: RunningServer;
  close(): Promise<void>;
}

/** Starts the carrier, SMS and WMS simulators on the configured ports. */
export async function startSimulators(config: Config, faults: Faults): Promise<Simulators> {
  const carrier = await startCarrierSimulator(config.carrierSimPort, faults);
  const sms = await startSmsSimulator(config.smsSimPort, faults);
  const wms = await startWmsSimulator(config.wmsSimPort, faults, { shipAfterMs: config.wmsShipAfterSeconds * 1000 });
  return {
    carrier,
    sms,
    wms,
    close: async () => {
      await Promise.all([carrier.close(), sms.close(), wms.close()]);
    },
  };
}
