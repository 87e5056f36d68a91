import type { Config } from '../../cli/config.ts';
import { startCarrierSimulator } from './carrier-simulator.ts';
import { startInvoiceSimulator } from './invoice-simulator.ts';
import type { Faults, RunningServer } from './json-server.ts';
import { startSmsSimulator } from './sms-simulator.ts';
import { startWmsSimulator } from './wms-simulator.ts';

export interface Simulators {
  carrier: RunningServer;
  sms: RunningServer;
  wms: RunningServer;
  invoice: RunningServer;
  close(): Promise<void>;
}

/** Starts the carrier, SMS, WMS and invoice simulators on the configured ports. */
export async function startSimulators(config: Config, faults: Faults): Promise<Simulators> {
  const carrier = await startCarrierSimulator(config.carrierSimPort, faults);
  const sms = await startSmsSimulator(config.smsSimPort, faults);
  const wms = await startWmsSimulator(config.wmsSimPort, faults, { shipAfterMs: config.wmsShipAfterSeconds * 1000 });
  const invoice = await startInvoiceSimulator(config.invoiceSimPort, faults);
  return {
    carrier,
    sms,
    wms,
    invoice,
    close: async () => {
      await Promise.all([carrier.close(), sms.close(), wms.close(), invoice.close()]);
    },
  };
}
