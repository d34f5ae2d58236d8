import { describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { createLogger } from "./index.ts";

/** A logger writing into an array of parsed lines. */
function captured() {
  const lines: Array<Record<string, any>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: createLogger({ service: "redaction-test", level: "debug", destination }), lines };
}

const ADDRESS = { name: "Ada Lovelace", line1: "1 Market St", city: "San Francisco", postalCode: "94105", region: "US-CA", country: "US" };
const SECRETS = ["pm_card_visa", "ada@example.com", "1 Market St", "San Francisco", "eyJhbGciOiJIUzI1NiJ9.e30.sig", "bob@example.com"];

describe("createLogger redacts what must never reach a log line", () => {
  it("payment methods, addresses, emails and tokens, wherever a log call puts them", () => {
    const { log, lines } = captured();
    // the shapes the services log or could log: a checkout body, an OrderPlaced event, an order row,
    // request headers, a Stripe object, a child logger's bindings
    log.info({ paymentMethod: "pm_card_visa", email: "ada@example.com", address: ADDRESS, token: "eyJhbGciOiJIUzI1NiJ9.e30.sig" }, "top level");
    log.info({ request: { paymentMethod: "pm_card_visa", email: "ada@example.com", address: ADDRESS } }, "a request body");
    log.info({ event: { data: { customer: { userId: "alice", email: "ada@example.com" }, paymentMethod: "pm_card_visa", shippingAddress: ADDRESS } } }, "an event");
    log.info({ order: { customer_email: "ada@example.com", shipping_address: ADDRESS, payment_method: "pm_card_visa" } }, "a row");
    log.info({ req: { headers: { authorization: "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig", accept: "application/json" } } }, "headers");
    log.info({ intent: { id: "pi_1", payment_method: "pm_card_visa" } }, "stripe");
    log.child({ email: "ada@example.com" }).warn({ orderId: "o-1" }, "child bindings");
    log.error({ err: Object.assign(new Error("550 recipient refused"), { rejected: ["bob@example.com"] }) }, "smtp");

    const text = lines.map((line) => JSON.stringify(line)).join("\n");
    for (const secret of SECRETS) expect(text, secret).not.toContain(secret);

    expect(lines[0]).toMatchObject({ paymentMethod: "[redacted]", email: "[redacted]", address: "[redacted]", token: "[redacted]", msg: "top level" });
    expect(lines[1]!.request).toEqual({ paymentMethod: "[redacted]", email: "[redacted]", address: "[redacted]" });
    expect(lines[2]!.event.data).toEqual({ customer: { userId: "alice", email: "[redacted]" }, paymentMethod: "[redacted]", shippingAddress: "[redacted]" });
    expect(lines[3]!.order).toEqual({ customer_email: "[redacted]", shipping_address: "[redacted]", payment_method: "[redacted]" });
    expect(lines[4]!.req.headers).toEqual({ authorization: "[redacted]", accept: "application/json" });
    expect(lines[5]!.intent).toEqual({ id: "pi_1", payment_method: "[redacted]" });
    expect(lines[6]).toMatchObject({ email: "[redacted]", orderId: "o-1" });
    expect(lines[7]!.err).toMatchObject({ message: "550 recipient refused", rejected: "[redacted]" });
  });

  it("keeps what operators need: ids, statuses, the user id", () => {
    const { log, lines } = captured();
    log.info({ orderId: "o-1", userId: "alice", status: "CONFIRMED", sku: "MUG-LOGO" }, "kept");
    expect(lines[0]).toMatchObject({ orderId: "o-1", userId: "alice", status: "CONFIRMED", sku: "MUG-LOGO", service: "redaction-test" });
  });
});
