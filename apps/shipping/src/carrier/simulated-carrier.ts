import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Carrier, CarrierRefusal, CarrierShipment, ShipmentRequest } from "./carrier.ts";

export const SIMULATED_CARRIER = "sim-post";

/** The 27 member states of the European Union (ISO 3166-1 alpha-2). */
const EU_MEMBER_STATES: ReadonlySet<string> = new Set([
  "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
  "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
]);

export type Zone = "domestic" | "eu" | "international";

/** Days from the request to delivery, by zone (the shop ships from the US). */
export const TRANSIT_DAYS: Readonly<Record<Zone, number>> = { domestic: 3, eu: 5, international: 10 };

export function zoneOf(country: string): Zone {
  if (country === "US") return "domestic";
  return EU_MEMBER_STATES.has(country) ? "eu" : "international";
}

/** The delivery date (UTC, YYYY-MM-DD) promised for a parcel to `country` requested at `now`. */
export function estimateDelivery(country: string, now: Date): string {
  const due = new Date(now.getTime() + TRANSIT_DAYS[zoneOf(country)] * 24 * 60 * 60 * 1000);
  return due.toISOString().slice(0, 10);
}

/**
 * The label for an order, derived from its id alone: asking twice for the same order gives the same
 * shipment id and tracking number, as a real carrier's idempotency key would.
 */
export function labelFor(orderId: string): { shipmentId: string; trackingNumber: string } {
  const digest = createHash("sha256").update(`${SIMULATED_CARRIER}:${orderId}`).digest();
  const digits = (digest.readBigUInt64BE(0) % 10n ** 12n).toString().padStart(12, "0");
  return { shipmentId: `shp_${digest.subarray(8, 20).toString("hex")}`, trackingNumber: `SIM${digits}` };
}

/** The decision a carrier makes for one request, without the waiting: pure given `roll` in [0, 1). */
export function decideShipment(
  { orderId, address }: ShipmentRequest,
  { unservedCountries, failureRate, now, roll }: { unservedCountries: ReadonlySet<string>; failureRate: number; now: Date; roll: number },
): CarrierShipment | CarrierRefusal {
  if (unservedCountries.has(address.country)) {
    return { refused: "address_not_served", detail: `${SIMULATED_CARRIER} does not deliver to ${address.country}` };
  }
  if (roll < failureRate) {
    return { refused: "carrier_error", detail: `${SIMULATED_CARRIER} could not issue a label (simulated failure, rate ${failureRate})` };
  }
  return { ...labelFor(orderId), carrier: SIMULATED_CARRIER, estimatedDelivery: estimateDelivery(address.country, now) };
}

/**
 * The local carrier used in development and tests: no network, a configurable latency and failure
 * rate, and a list of countries it does not serve. Cancelling always succeeds (a label that has not
 * been picked up can be voided), and cancelling twice is harmless.
 */
export function createSimulatedCarrier({
  unservedCountries = ["AQ", "KP"],
  failureRate = 0,
  latencyMs = 0,
  now = () => new Date(),
  random = Math.random,
}: {
  unservedCountries?: readonly string[];
  failureRate?: number;
  latencyMs?: number;
  now?: () => Date;
  random?: () => number;
} = {}): Carrier {
  const unserved = new Set(unservedCountries);
  const wait = () => (latencyMs > 0 ? sleep(latencyMs) : Promise.resolve());
  return {
    name: SIMULATED_CARRIER,
    async createShipment(request) {
      await wait();
      return decideShipment(request, { unservedCountries: unserved, failureRate, now: now(), roll: random() });
    },
    async cancelShipment() {
      await wait();
    },
  };
}
