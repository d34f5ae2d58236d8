import { describe, expect, it } from "vitest";
import { AllEvents } from "./index.ts";
import { sampleEnvelopes } from "./samples.ts";

describe("every event version has a valid sample that tolerates unknown fields", () => {
  for (const contract of AllEvents) {
    it(contract.name, () => {
      for (const envelope of sampleEnvelopes(contract, "7f1d7c1e-8a4c-4c1e-9a57-1b0f1f0c0a11")) {
        const parsed = contract.parse(envelope);
        expect(parsed.data).not.toHaveProperty("aFieldFromTheFuture");
        expect(contract.accepts).toContain(envelope.type);
      }
    });
  }
});
