import { describe, expect, it } from "vitest";
import { AllEvents, sampleEnvelopes } from "@checkout/contracts";
import { formatLines, keyFields, shortId } from "./key-fields.ts";

const orderId = "6b3c2f7e-1d2a-4c3b-9a8f-0e1d2c3b4a59";
const sample = (name: string) => {
  const contract = AllEvents.find((event) => event.name === name)!;
  return contract.parse(sampleEnvelopes(contract, orderId)[0]).data;
};

describe("keyFields", () => {
  it("shows what an operator follows an order by, for each kind of fact", () => {
    expect(keyFields(sample("OrderPlaced"))).toEqual({ total: "USD 24.00", lines: "MUG-LOGO×2" });
    expect(keyFields(sample("InventoryReserved"))).toEqual({ reservationId: "res_sample", lines: "MUG-LOGO×2", expiresAt: "2026-01-01T12:00:00.000Z" });
    expect(keyFields(sample("PaymentAuthorized"))).toEqual({ paymentIntentId: "pi_sample", amount: "USD 24.00" });
    expect(keyFields(sample("PaymentFailed"))).toEqual({ reason: "declined", declineCode: "generic_decline" });
    expect(keyFields(sample("OrderCancelled"))).toEqual({
      reason: "payment_declined",
      detail: "generic_decline",
      reservationId: "res_sample",
      paymentIntentId: "pi_sample",
    });
    expect(keyFields(sample("ShipmentCreated"))).toEqual({ shipmentId: "shp_sample", carrier: "sim-post", trackingNumber: "SIM123456789" });
    expect(keyFields(sample("PaymentRefunded"))).toEqual({ paymentIntentId: "pi_sample", refundId: "re_sample", amount: "USD 24.00" });
    expect(keyFields(sample("InventoryRejected"))).toEqual({ reason: "out_of_stock", lines: "MUG-LOGO×2(available 1)" });
    // the detail names the sold-out SKUs
    expect(keyFields(sample("OrderRefused"))).toEqual({ reason: "out_of_stock", detail: '"MUG-LOGO: sold out (refused at checkout)"' });
  });

  it("reads every event of the choreography without losing its ids", () => {
    for (const contract of AllEvents) {
      const data = contract.parse(sampleEnvelopes(contract, orderId)[0]).data as Record<string, unknown>;
      const fields = keyFields(data);
      for (const id of ["reservationId", "paymentIntentId", "trackingNumber", "reason"]) {
        if (typeof data[id] === "string") expect(fields[id], `${contract.name}.${id}`).toBe(data[id]);
      }
    }
  });

  it("quotes text with spaces, skips what it does not recognise, and never throws", () => {
    expect(keyFields({ detail: "cancelled by the shopper", unknown: 1 })).toEqual({ detail: '"cancelled by the shopper"' });
    expect(keyFields({ amount: { amount: "12", currency: "USD" }, lines: [] })).toEqual({});
    expect(keyFields("text")).toEqual({});
    expect(keyFields(null)).toEqual({});
  });
});

describe("formatLines / shortId", () => {
  it("writes lines as sku×qty", () => {
    expect(formatLines([{ sku: "A", qty: 2 }, { sku: "B-1", qty: 1 }])).toBe("A×2,B-1×1");
    expect(formatLines([42])).toBe("?×?");
  });

  it("shortens UUIDs to 8 characters and long ids to 12", () => {
    expect(shortId("e82fc039-0f7e-4a4b-8d3e-8f6f5c1c2d3e")).toBe("e82fc039");
    expect(shortId("pi_sample")).toBe("pi_sample");
    expect(shortId("sample-checkout.OrderPlaced.v1")).toBe("sample-chec…");
  });
});
