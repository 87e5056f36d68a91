import { batchOf } from './batch-endpoint.ts';
import { faultGate, notFound, startJsonServer, type Faults, type Gate, type JsonResponse, type RunningServer } from './json-server.ts';

/** Items one batch call may carry, as e-waybill APIs commonly allow (10-100 a call). */
export const CARRIER_BATCH_LIMIT = 100;

/**
 * A carrier's e-waybill API: POST /waybills with an Idempotency-Key header returns a waybill
 * number; the same key always returns the same number. POST /waybills/batch takes up to 100
 * `{key, shipmentId, carrier?, ...}` items (`carrier`: the carrier account the number is issued under) and answers each with its own result, under the same per-key
 * rule. POST /waybills/NO/cancel voids one (a cancelled order's parcel is never handed over),
 * unless the courier has collected it (POST /admin/pickup {"waybillNo"}: then 409).
 * GET /waybills/NO shows what it was asked for (the address printed on it); GET /stats counts
 * what was issued and voided. POST /admin/service-area `{"notServed": ["PROVINCE", ...]}` makes it
 * refuse parcels to those provinces, as a carrier refuses an address outside its service area
 * (422, `code: out_of_service_area`: another carrier may take it).
 * `/stats` also counts `requests` the waybill items asked for that reached the API, and
 * `calls` every HTTP call to the waybill API, those the fault gate answered 503 included (what an
 * outage costs the carrier).
 */
export async function startCarrierSimulator(port: number, faults: Faults): Promise<RunningServer> {
  const byKey = new Map<string, string>();
  /** What each waybill was asked for: the shipment and the address it was printed with. */
  const requested = new Map<string, unknown>();
  const voided = new Set<string>();
  /** Numbers the courier has collected the parcel of: too late to void. */
  const pickedUp = new Set<string>();
  let requests = 0;
  let duplicates = 0;
  /** Every HTTP call to /waybills*, counted before the fault gate so an injected outage's 503s count too. */
  let calls = 0;
  /** Provinces this carrier does not deliver to (`POST /admin/service-area`). */
  let notServed = new Set<string>();
  const gate = faultGate(faults);
  const issue = (key: string, body: unknown): JsonResponse => {
    requests++;
    const shipment = body as { shipmentId?: unknown; carrier?: unknown } | undefined;
    if (typeof shipment?.shipmentId !== 'string') return { status: 400, body: { error: 'shipmentId: required string' } };
    if (shipment.carrier !== undefined && typeof shipment.carrier !== 'string') return { status: 400, body: { error: 'carrier: must be a string' } };
    // One account per carrier code asked for; none named: the simulator's own.
    const carrier = typeof shipment.carrier === 'string' && shipment.carrier !== '' ? shipment.carrier : 'SIMEXPRESS';
    const province = (shipment as { address?: { province?: unknown } }).address?.province;
    if (typeof province === 'string' && notServed.has(province)) {
      return { status: 422, body: { error: `address.province: ${province} is outside this carrier's service area`, code: 'out_of_service_area' } };
    }
    const known = byKey.get(key);
    if (known) {
      duplicates++;
      return { status: 200, body: { waybillNo: known, carrier } };
    }
    const waybillNo = `SIM${String(byKey.size + 1).padStart(10, '0')}`;
    byKey.set(key, waybillNo);
    requested.set(waybillNo, body);
    return { status: 201, body: { waybillNo, carrier } };
  };
  const countingGate: Gate = (req) => {
    if (req.path.startsWith('/waybills')) calls++;
    // The counters stay readable during an injected outage: a fault run reads them to measure it.
    if (req.path === '/stats') return Promise.resolve(undefined);
    return gate(req);
  };
  return startJsonServer(port, countingGate, ({ method, path, headers, body }) => {
    if (method === 'POST' && path === '/waybills/batch') return batchOf(body, CARRIER_BATCH_LIMIT, issue);
    if (method === 'GET' && path === '/stats') return { status: 200, body: { issued: byKey.size, voided: voided.size, requests, duplicates, calls } };
    if (method === 'POST' && path === '/admin/service-area') {
      const provinces = (body as { notServed?: unknown } | undefined)?.notServed;
      if (!Array.isArray(provinces) || !provinces.every((p) => typeof p === 'string')) return { status: 400, body: { error: 'notServed: required array of province names' } };
      notServed = new Set(provinces as string[]);
      return { status: 200, body: { notServed: [...notServed] } };
    }
    if (method === 'POST' && path === '/admin/pickup') {
      const waybillNo = (body as { waybillNo?: unknown } | undefined)?.waybillNo;
      if (typeof waybillNo !== 'string') return { status: 400, body: { error: 'waybillNo: required string' } };
      pickedUp.add(waybillNo);
      return { status: 200, body: { waybillNo, pickedUp: true } };
    }
    const one = /^\/waybills\/([^/]+)$/.exec(path);
    if (method === 'GET' && one) {
      const waybillNo = decodeURIComponent(one[1]!);
      const body = requested.get(waybillNo);
      return body === undefined ? { status: 404, body: { error: `no waybill ${waybillNo}` } } : { status: 200, body: { waybillNo, voided: voided.has(waybillNo), request: body } };
    }
    const cancel = /^\/waybills\/([^/]+)\/cancel$/.exec(path);
    if (method === 'POST' && cancel) {
      const waybillNo = decodeURIComponent(cancel[1]!);
      if (![...byKey.values()].includes(waybillNo)) return { status: 404, body: { error: `no waybill ${waybillNo}` } };
      if (pickedUp.has(waybillNo)) return { status: 409, body: { error: `${waybillNo}: the courier has collected the parcel` } };
      voided.add(waybillNo);
      return { status: 200, body: { waybillNo, voided: true } };
    }
    if (method !== 'POST' || path !== '/waybills') return notFound;
    const key = headers['idempotency-key'];
    if (typeof key !== 'string' || key === '') return { status: 400, body: { error: 'Idempotency-Key header is required' } };
    return issue(key, body);
  });
}
