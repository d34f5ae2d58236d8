import { describe, expect, it } from "vitest";
import { sampleEnvelopes } from "@checkout/contracts";
import { notificationHandlers } from "./index.ts";

describe("notifications accepts every version of every event it subscribes to", () => {
  for (const handler of notificationHandlers) {
    it(handler.subscribe.name, () => {
      for (const envelope of sampleEnvelopes(handler.subscribe, "0b8f4a8e-5b7c-4d7e-9f44-0c2d3e4f5a6b")) {
        const event = handler.subscribe.parse(envelope);
        expect((event.data as { customer: { email: string } }).customer.email).toBe("ada@example.com");
      }
    });
  }

  it("listens to the orders and shipping streams only", () => {
    expect(new Set(notificationHandlers.map((handler) => handler.subscribe.stream))).toEqual(new Set(["ORDERS", "SHIPPING"]));
  });
});
