import { describe, expect, it } from "vitest";
import type { KV } from "@nats-io/kv";
import { sampleEnvelopes } from "@checkout/contracts";
import { inventoryHandlers } from "./index.ts";

describe("inventory accepts every version of every event it subscribes to", () => {
  for (const handler of inventoryHandlers({ reservationTtlMs: 1_000, holds: {} as KV })) {
    it(handler.subscribe.name, () => {
      for (const envelope of sampleEnvelopes(handler.subscribe, "0b8f4a8e-5b7c-4d7e-9f44-0c2d3e4f5a6b")) {
        expect(() => handler.subscribe.parse(envelope)).not.toThrow();
      }
    });
  }
});
