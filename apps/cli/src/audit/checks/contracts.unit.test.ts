import { describe, expect, it } from "vitest";
import { OrderPlaced, sampleEnvelopes } from "@checkout/contracts";
import { id } from "../test-fixtures.ts";
import { checkContracts, contractProblem } from "./contracts.ts";

const orderId = id();
const valid = sampleEnvelopes(OrderPlaced, orderId)[0] as { type: string; data: Record<string, unknown> };
const subject = OrderPlaced.subject(orderId);

describe("check 6: every message parses against contracts/", () => {
  it("accepts a valid event on its own subject and stream", () => {
    expect(contractProblem("ORDERS", subject, JSON.stringify(valid))).toBeUndefined();
    expect(contractProblem("ORDERS", subject, new TextEncoder().encode(JSON.stringify(valid)))).toBeUndefined();
  });

  it("names what is wrong: not JSON, no type, an unknown version, invalid data, wrong stream or subject", () => {
    expect(contractProblem("ORDERS", subject, "{ nope")).toMatch(/^not JSON: /);
    expect(contractProblem("ORDERS", subject, "[1]")).toBe("not a JSON object");
    expect(contractProblem("ORDERS", subject, "{}")).toBe("no CloudEvents type");
    expect(contractProblem("ORDERS", subject, JSON.stringify({ ...valid, type: "checkout.OrderPlaced.v9" }))).toBe("unknown type checkout.OrderPlaced.v9");
    expect(contractProblem("ORDERS", subject, JSON.stringify({ ...valid, data: { ...valid.data, orderId: "nope" } }))).toMatch(/checkout\.OrderPlaced\.v1: .*orderId/);
    expect(contractProblem("INVENTORY", subject, JSON.stringify(valid))).toBe("checkout.OrderPlaced.v1 belongs in ORDERS, not INVENTORY");
    expect(contractProblem("ORDERS", `orders.cancelled.${orderId}`, JSON.stringify(valid))).toBe(`on the wrong subject: checkout.OrderPlaced.v1 about ${orderId} belongs on ${subject}`);
  });

  it("counts the messages read and lists every problem with its stream sequence", () => {
    const clean = checkContracts([{ stream: "ORDERS", exists: true, messages: 3, problems: [] }, { stream: "SHIPPING", exists: false, messages: 0, problems: [] }]);
    expect(clean).toMatchObject({ ok: true, checked: "3 messages in ORDERS, SHIPPING", notes: ["no stream SHIPPING on this server"] });
    const broken = checkContracts([{ stream: "ORDERS", exists: true, messages: 3, problems: [{ stream: "ORDERS", seq: 7, subject, problem: "not JSON: x" }] }]);
    expect(broken).toMatchObject({ ok: false, count: 1, violations: [`ORDERS#7 ${subject}: not JSON: x`] });
  });
});
