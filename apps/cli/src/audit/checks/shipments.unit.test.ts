import { describe, expect, it } from "vitest";
import { cleanSystem, shipment } from "../test-fixtures.ts";
import { checkShipments } from "./shipments.ts";

describe("check 8: shipments", () => {
  it("passes when COMPLETED orders shipped and CANCELLED ones did not", () => {
    const data = cleanSystem();
    data.shipments.push(shipment(data.cancelled, "cancelled"));
    expect(checkShipments(data.shipments, data.orders, 60)).toMatchObject({ ok: true, checked: "2 shipments" });
  });

  it("finds a COMPLETED order without shipment and a CANCELLED order whose label is still live", () => {
    const data = cleanSystem();
    data.shipments = [shipment(data.cancelled)];
    expect(checkShipments(data.shipments, data.orders, 60).violations).toEqual([
      `order ${data.completed.id} is COMPLETED but shipping has no shipment for it`,
      `order ${data.cancelled.id} is CANCELLED but its shipment shp_${data.cancelled.id.slice(-4)} is still created (label not voided)`,
    ]);
  });
});
