import type { Config } from '../../cli/config.ts';
import { startCarrierSimulator } from './carrier-simulator.ts';
import type { Faults, RunningServer } from './json-server.ts';
import { startSmsSimulator } from './sms-simulator.ts';

export interface Simulators {
  carrier: RunningServer;
  sms: RunningServer;
  close(): Promise<void>;
}

/** Starts the carrier and SMS simulators on the configured ports. */
export async function startSimulators(config: Config, faults: Faults): Promise<Simulators> {
  const carrier = await startCarrierSimulator(config.carrierSimPort, faults);
  const sms = await startSmsSimulator(config.smsSimPort, faults);
  return {
    carrier,
    sms,
    close: async () => {
      await Promise.all([carrier.close(), sms.close()]);
    },
  };
}
