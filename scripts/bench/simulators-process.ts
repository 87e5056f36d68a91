// The carrier, SMS, WMS and invoice simulators in a process of their own, so their HTTP work does not share a
// main thread with the workers a benchmark measures. Reports its URLs, then runs until SIGTERM.
import { startCarrierSimulator } from '../simulators/carrier-simulator.ts';
import { startInvoiceSimulator } from '../simulators/invoice-simulator.ts';
import { startSmsSimulator } from '../simulators/sms-simulator.ts';
import { startWmsSimulator } from '../simulators/wms-simulator.ts';

export type SimulatorsOut = { type: 'ready'; carrierUrl: string; smsUrl: string; wmsUrl: string; invoiceUrl: string };

// Each its own faults, so a fault run can take the carrier down (POST /admin/faults) and not the SMS gateway.
const latencyMs = Number(process.argv[2] ?? 0);
const carrier = await startCarrierSimulator(0, { latencyMs, failRate: 0 });
const sms = await startSmsSimulator(0, { latencyMs, failRate: 0 });
const wms = await startWmsSimulator(0, { latencyMs, failRate: 0 });
const invoice = await startInvoiceSimulator(0, { latencyMs, failRate: 0 });
process.send?.({ type: 'ready', carrierUrl: carrier.url, smsUrl: sms.url, wmsUrl: wms.url, invoiceUrl: invoice.url } satisfies SimulatorsOut);
const stop = async (): Promise<void> => {
  await Promise.all([carrier.close(), sms.close(), wms.close(), invoice.close()]);
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('disconnect', () => void stop());
