/** The carrier a shipment goes with, and where its waybills are asked for. */
export interface CarrierChoice {
  /** The carrier's code, as warehouses list them (`sf`, `ems`, ...). */
  code: string;
  /** Its e-waybill API: the one configured for the code, else the default carrier API. */
  url: string;
  /** The name its circuit breaker and its log lines go by: `carrier` for the default API, `carrier_CODE` for its own. */
  service: string;
}

/**
 * The carrier a shipment of a warehouse is handed to: the first of the warehouse's carriers (its
 * list is in order of preference), asked at its own API when `ORDERSURGE_CARRIER_URLS` names one,
 * else at the default carrier API (`CARRIER_URL`) under its code, as one account among several. A
 * warehouse without carriers ships with the default API's own carrier. Pure.
 *
 * @example
 * carrierFor(['ems', 'sf'], { ems: 'http://ems' }, 'http://sim') // { code: 'ems', url: 'http://ems', service: 'carrier_ems' }
 * carrierFor(['sf'], { ems: 'http://ems' }, 'http://sim')        // { code: 'sf', url: 'http://sim', service: 'carrier' }
 */
export function carrierFor(carriers: readonly string[], urls: Readonly<Partial<Record<string, string>>>, defaultUrl: string): CarrierChoice {
  return carrierChoices(carriers, urls, defaultUrl)[0]!;
}

/**
 * Every carrier a shipment of a warehouse may go with, in the warehouse's order of preference
 * (`carrierFor` is the first): where the first refuses the parcel as outside its service area,
 * the next is asked. At least one: a warehouse without carriers has the default API's own. Pure.
 */
export function carrierChoices(carriers: readonly string[], urls: Readonly<Partial<Record<string, string>>>, defaultUrl: string): CarrierChoice[] {
  const choice = (code: string): CarrierChoice => {
    const own = code === '' ? undefined : urls[code];
    return own === undefined ? { code, url: defaultUrl, service: 'carrier' } : { code, url: own, service: `carrier_${code}` };
  };
  return carriers.length === 0 ? [choice('')] : carriers.map(choice);
}

/**
 * Whether a carrier's refusal is of the carrier, not of the order: the address is outside its
 * service area (`code: out_of_service_area` in its answer), so another carrier may take the
 * parcel; any other refusal (a bad address, say) is the order's and goes to an operator.
 */
export function refusedByCarrierOnly(error: string): boolean {
  return /"code"\s*:\s*"out_of_service_area"/.test(error);
}

/** The e-waybill API that issued a number of `carrier` (what a void is sent to). */
export function carrierUrlOf(carrier: string | null, urls: Readonly<Partial<Record<string, string>>>, defaultUrl: string): string {
  return (carrier === null ? undefined : urls[carrier]) ?? defaultUrl;
}
