import fc from "fast-check";
import { expect } from "vitest";
import { headers as natsHeaders, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { deadLetterSubject } from "@checkout/contracts";
import { expectAlive, expectAnswer } from "./answers.ts";
import { contentType, oddValue, pathSegment, queryString, rawBody } from "./inputs.ts";
import type { Send } from "./run.ts";
import { authorizationValue, garbageAuthorization } from "./tokens.ts";

// Properties every service shares: its /admin/dlq (libs/messaging, mounted by runService), and any
// method on any path.

/** Dead letters of a consumer that is not the service's (its admin API must refuse them, 409), in stream DLQ. */
export async function seedForeignDeadLetters(nc: NatsConnection, { stream = "ORDERS", consumer = "elsewhere-orders", count = 2 }: { stream?: string; consumer?: string; count?: number } = {}): Promise<void> {
  const js = jetstream(nc);
  for (let i = 1; i <= count; i++) {
    const headers = natsHeaders();
    headers.set("Checkout-Dlq-Reason", "seeded by a fuzz test");
    headers.set("Checkout-Dlq-Consumer", consumer);
    headers.set("Checkout-Dlq-Stream", stream);
    headers.set("Checkout-Dlq-Subject", `orders.placed.00000000-0000-4000-8000-00000000000${i}`);
    headers.set("Checkout-Dlq-Sequence", String(i));
    headers.set("Checkout-Dlq-Deliveries", "5");
    headers.set("Checkout-Dlq-Time", new Date().toISOString());
    await js.publish(deadLetterSubject(stream, consumer), JSON.stringify({ seeded: i }), { headers });
  }
}

/** How many messages the DLQ stream holds. */
export async function deadLetterCount(nc: NatsConnection): Promise<number> {
  return (await (await jetstreamManager(nc)).streams.info("DLQ")).state.messages;
}

/**
 * `/admin/dlq` (libs/messaging dlq/routes.ts, on every service): fuzzed methods, paths, sequences, query
 * strings and callers. Only an admin gets past 401/403; a refused request leaves the DLQ as it was.
 * Seed the DLQ with seedForeignDeadLetters first, so that real sequences answer 409 (not the service's).
 */
export function deadLetterRoutesProperty({ send, nc, admin, shopper, consumers }: { send: Send; nc: NatsConnection; admin: string; shopper: string; consumers: readonly string[] }) {
  const seq = fc.oneof(fc.integer({ min: -3, max: 8 }).map(String), pathSegment, fc.constantFrom("1.0", "1e0", "0x1", "%201", "+1", "01", "9007199254740991", "9007199254740992"));
  const rest = fc.oneof(fc.constant(""), fc.constant("/"), fc.constant("/replay"), seq.map((s) => `/${s}`), seq.map((s) => `/${s}/replay`), fc.tuple(seq, pathSegment).map(([a, b]) => `/${a}/${b}`));
  const query = fc.oneof(
    queryString(["consumer", "limit"]),
    fc.tuple(fc.constantFrom(...consumers, "elsewhere-orders", "a.b", "*", ">", " "), fc.oneof(fc.constant(""), fc.integer({ min: -2, max: 20_000 }).map((n) => `&limit=${n}`))).map(([c, l]) => `?consumer=${encodeURIComponent(c)}${l}`),
  );
  const caller = fc.oneof({ weight: 4, arbitrary: fc.constant("admin") }, fc.constant("shopper"), fc.constant("nobody"), garbageAuthorization.map((value) => ({ garbage: value })));
  return fc.asyncProperty(fc.constantFrom("GET", "POST", "DELETE", "PUT", "PATCH"), rest, query, caller, fc.option(rawBody(), { freq: 4 }), async (method, path, q, who, body) => {
    const authorization = who === "admin" ? admin : who === "shopper" ? shopper : who === "nobody" ? undefined : await authorizationValue(who.garbage);
    const before = await deadLetterCount(nc);
    const response = await send(method, `/admin/dlq${path}${q}`, { headers: authorization === undefined ? {} : { authorization }, ...(body === null ? {} : { body }) });
    const { status } = await expectAnswer(response, { method, fields: ["seq", "consumer", "limit"] });
    if (who !== "admin") expect([401, 403, 404, 413]).toContain(status);
    if (status >= 400) expect(await deadLetterCount(nc)).toBe(before);
  });
}

/**
 * Any method on any path under `prefixes`, with any query, body and caller (`callers` by name, or a
 * garbage Authorization): never a 5xx, a refusal is problem+json, and a refusal leaves `state()` as it was.
 */
export function anyRequestProperty({ send, prefixes, callers, state }: { send: Send; prefixes: readonly string[]; callers: Record<string, Record<string, string>>; state: () => Promise<unknown> }) {
  const caller = fc.oneof(fc.constantFrom(...Object.keys(callers)), garbageAuthorization.map((value) => ({ garbage: value })));
  const methods = fc.constantFrom("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  return fc.asyncProperty(methods, fc.constantFrom(...prefixes), fc.array(pathSegment, { maxLength: 3 }), queryString(["limit", "consumer", "to", "orderId"]), caller, fc.option(fc.oneof(rawBody(), oddValue.map((value) => JSON.stringify(value)))), contentType, async (method, prefix, segments, query, who, body, type) => {
    const headers = typeof who === "string" ? callers[who]! : { authorization: await authorizationValue(who.garbage) };
    const before = await state();
    const path = `${prefix}${segments.map((segment) => `/${segment}`).join("")}${query}` || "/";
    const response = await send(method, path, { headers: { ...headers, "content-type": type }, ...(body === null ? {} : { body }) });
    const { status } = await expectAnswer(response, { method });
    if (status >= 400) expect(await state()).toEqual(before);
    await expectAlive(send);
  });
}
