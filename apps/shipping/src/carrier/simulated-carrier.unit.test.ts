import { describe, expect, it } from "vitest";
import type { Address } from "@checkout/contracts";
import { isRefusal } from "./carrier.ts";
import { createSimulatedCarrier, decideShipment, estimateDelivery, labelFor, zoneOf } from "./simulated-carrier.ts";

const orderId = "0b8f4a8e-5b7c-4d7e-9f44-0c2d3e4f5a6b";
const other = "7d1e2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4b";
const at = (country: string): Address => ({ name: "Ada Lovelace", line1: "1 Main St", city: "Somewhere", postalCode: "12345", country });
const now = new Date("2026-01-30T23:30:00.000Z");
const request = (country: string, id = orderId) => ({ orderId: id, address: at(country), lines: [{ sku: "MUG-LOGO", qty: 1 }] });
const rules = { unservedCountries: new Set(["AQ", "KP"]), failureRate: 0, now, roll: 0.5 };

describe("zones and delivery estimates", () => {
  it("puts the US at home, the 27 EU states in the EU, and everything else abroad", () => {
    expect(zoneOf("US")).toBe("domestic");
    expect(zoneOf("DE")).toBe("eu");
    expect(zoneOf("SE")).toBe("eu");
    expect(zoneOf("GB")).toBe("international");
    expect(zoneOf("JP")).toBe("international");
  });

  it("promises 3, 5 or 10 days from now, as a UTC date, across month ends", () => {
    expect(estimateDelivery("US", now)).toBe("2026-02-02");
    expect(estimateDelivery("FR", now)).toBe("2026-02-04");
    expect(estimateDelivery("BR", now)).toBe("2026-02-09");
  });
});

describe("labels", () => {
  it("are derived from the order id: the same order always gets the same label", () => {
    expect(labelFor(orderId)).toEqual(labelFor(orderId));
    expect(labelFor(orderId).trackingNumber).toMatch(/^SIM\d{12}$/);
    expect(labelFor(orderId).shipmentId).toMatch(/^shp_[0-9a-f]{24}$/);
  });

  it("differ between orders", () => {
    expect(labelFor(other).shipmentId).not.toBe(labelFor(orderId).shipmentId);
    expect(labelFor(other).trackingNumber).not.toBe(labelFor(orderId).trackingNumber);
  });
});

describe("decideShipment", () => {
  it("issues a label with the zone's delivery date", () => {
    expect(decideShipment(request("US"), rules)).toEqual({ ...labelFor(orderId), carrier: "sim-post", estimatedDelivery: "2026-02-02" });
  });

  it("refuses an unserved country, naming it, whatever the failure roll", () => {
    expect(decideShipment(request("AQ"), { ...rules, failureRate: 1 })).toEqual({ refused: "address_not_served", detail: "sim-post does not deliver to AQ" });
  });

  it("fails with carrier_error when the roll falls under the failure rate", () => {
    expect(decideShipment(request("US"), { ...rules, failureRate: 0.6, roll: 0.59 })).toMatchObject({ refused: "carrier_error" });
    expect(isRefusal(decideShipment(request("US"), { ...rules, failureRate: 0.6, roll: 0.6 }))).toBe(false);
    expect(isRefusal(decideShipment(request("US"), { ...rules, failureRate: 0, roll: 0 }))).toBe(false);
  });
});

describe("createSimulatedCarrier", () => {
  it("answers a retried request with the same shipment", async () => {
    const carrier = createSimulatedCarrier({ now: () => now });
    expect(await carrier.createShipment(request("DE"))).toEqual(await carrier.createShipment(request("DE")));
  });

  it("always fails at rate 1, and uses its configured unserved list", async () => {
    expect(await createSimulatedCarrier({ failureRate: 1 }).createShipment(request("US"))).toMatchObject({ refused: "carrier_error" });
    expect(await createSimulatedCarrier({ unservedCountries: ["DE"] }).createShipment(request("DE"))).toMatchObject({ refused: "address_not_served" });
    expect(isRefusal(await createSimulatedCarrier({ unservedCountries: ["DE"] }).createShipment(request("AQ")))).toBe(false);
  });

  it("takes at least the configured latency", async () => {
    const started = performance.now();
    await createSimulatedCarrier({ latencyMs: 30 }).createShipment(request("US"));
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });
});
