import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { OrderConfirmed, sampleEnvelopes } from "@checkout/contracts";
import { adminHeaders, authHeaders, useParticipant, waitFor } from "@checkout/testing";
import {
  anyRequestProperty,
  authorizationValue,
  checkProperty,
  deadLetterRoutesProperty,
  expectAlive,
  expectAnswer,
  fetchSend,
  FUZZ_TIMEOUT_MS,
  garbageAuthorization,
  hostileText,
  oddNumber,
  oddString,
  pathSegment,
  queryString,
  seedForeignDeadLetters,
} from "@checkout/testing/fuzz";
import { NotificationsConfig } from "../config.ts";
import { startNotifications } from "../service.ts";

// Bad input at every endpoint of notifications (fast-check): whatever is sent, the answer is below 500,
// a refusal is problem+json naming what was wrong, the service keeps answering and writes nothing.

const t = useParticipant("notifications_fuzz", (env) => startNotifications(NotificationsConfig.parse(env)));
const send = fetchSend(() => t.service.url);

const EMAIL = "fuzz.shopper@example.com";
/** an order whose confirmation mail is in the mailbox, and that mail's id */
let mailedOrder: string;
let mailId: string;
let callers: Record<string, Record<string, string>>;
let cases = 0;

/** what a refused request must leave as it was */
const state = async () => ({
  mailbox: await t.service.sql`SELECT * FROM mailbox ORDER BY id`,
  outgoing: await t.service.sql`SELECT * FROM outgoing_mail ORDER BY id`,
});
/** "mailed" stands for the order with a mail, "mail" for its mail's id */
const resolve = (segment: string) => (segment === "mailed" ? mailedOrder : segment === "mail" ? mailId : segment);
const run = async <T extends [unknown, ...unknown[]]>(property: fc.IAsyncProperty<T>, numRuns?: number) => {
  cases += await checkProperty(property, numRuns);
};

beforeAll(async () => {
  callers = { admin: await adminHeaders(), shopper: await authHeaders("shopper-fuzz"), nobody: {} };
  mailedOrder = randomUUID();
  const sample = OrderConfirmed.parse(sampleEnvelopes(OrderConfirmed, mailedOrder)[0]!);
  await t.bus.publish(OrderConfirmed.create(mailedOrder, { ...sample.data, customer: { email: EMAIL } }));
  mailId = await waitFor(
    async () => {
      const { items } = (await (await send("GET", `/api/mailbox?orderId=${mailedOrder}`)).json()) as { items: Array<{ id: string }> };
      const [sent] = await t.service.sql`SELECT 1 FROM outgoing_mail WHERE order_id = ${mailedOrder} AND status = 'sent'`;
      return sent ? items[0]?.id : undefined;
    },
    { what: "the confirmation mail in the mailbox" },
  );
  await seedForeignDeadLetters(t.bus.nc);
});
afterAll(() => {
  console.info(`notifications fuzz: ${cases} cases`);
});

describe("notifications under bad input", { timeout: FUZZ_TIMEOUT_MS }, () => {
  it("GET /api/mailbox: any query string (to, orderId, limit) and headers", async () => {
    const value = fc.oneof(
      fc.constantFrom(EMAIL, EMAIL.toUpperCase(), "mailed", "nobody@example.com", "a@b", "@", "", "1", "0", "-1", "200", "201", "1.5", "1e2", "99999999999999999999"),
      fc.emailAddress(),
      fc.uuid(),
      hostileText,
      oddString,
      oddNumber.map(String),
    );
    const known = fc.dictionary(fc.constantFrom("to", "orderId", "limit"), value, { maxKeys: 3 }).map((entries) => {
      const query = new URLSearchParams(Object.entries(entries).map(([key, v]): [string, string] => [key, resolve(v)])).toString();
      return query ? `?${query}` : "";
    });
    const query = fc.oneof(known, queryString(["to", "orderId", "limit"]));
    await run(
      fc.asyncProperty(query, fc.option(garbageAuthorization), async (q, authorization) => {
        const response = await send("GET", `/api/mailbox${q}`, { headers: authorization === null ? {} : { authorization: await authorizationValue(authorization) } });
        const { status, body } = await expectAnswer(response, { fields: ["to", "orderId", "limit"] });
        if (status === 200) expect(body).toMatchObject({ items: expect.any(Array) });
        await expectAlive(send);
      }),
    );
  });

  it("GET /api/mailbox/:id and /api/notifications/:orderId: any id and headers", async () => {
    const id = fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom("mail", "mailed", "0", "-1", "01", "1e3", "999999999999999999", "9999999999999999999", "9223372036854775807", "9223372036854775808", "1.0") },
      fc.bigInt({ min: 1n, max: 10n ** 18n - 1n }).map(String),
      fc.uuid(),
      pathSegment,
    );
    await run(
      fc.asyncProperty(fc.constantFrom("/api/mailbox/", "/api/notifications/"), id, queryString(["limit"]), fc.option(garbageAuthorization), async (route, segment, query, authorization) => {
        const response = await send("GET", `${route}${resolve(segment)}${query}`, { headers: authorization === null ? {} : { authorization: await authorizationValue(authorization) } });
        await expectAnswer(response, { fields: ["id", "orderId"] });
        await expectAlive(send);
      }),
    );
  });

  it("any method on any path, with any body and caller", async () => {
    await run(anyRequestProperty({ send, prefixes: ["", "/api", "/api/mailbox", "/api/notifications", `/api/notifications/${mailedOrder}`, "/admin", "/admin/dlq"], callers, state }));
  });

  it("/admin/dlq: any method, sequence, query and caller; only admins get in, and a refusal leaves the DLQ as it was", async () => {
    const consumers = [...t.service.messaging.router.consumers(), "notifications-worker"];
    await run(deadLetterRoutesProperty({ send, nc: t.bus.nc, admin: callers.admin!.authorization!, shopper: callers.shopper!.authorization!, consumers }));
  });
});
