import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { OrderCancelled, ShipmentCreated, type CloudEvent } from "@checkout/contracts";
import type { RunningService } from "@checkout/messaging";
import { connectBus, createTestDatabase, orderConfirmed, refusedAtCheckout, rowsAbout, startNatsServer, waitFor, type Bus, type NatsServer, type TestDatabase } from "@checkout/testing";
import { NotificationsConfig } from "./config.ts";
import { startNotifications } from "./service.ts";
import { mailboxTransport } from "./transport/mailbox.ts";
import { PermanentMailError, type MailTransport } from "./transport/transport.ts";
import type { MailboxEntry } from "./db/mailbox.ts";
import type { OutgoingMail } from "./db/outgoing-mail.ts";

let nats: NatsServer;
let db: TestDatabase;
let service: RunningService;
let bus: Bus;

/** Every mail a transport accepted, by Message-ID and by the instance whose worker sent it. */
const accepted: Array<{ messageId: string; instance: string }> = [];
/** orderId → transient failures still to inject; orders whose mails are refused for good */
const failuresLeft = new Map<string, number>();
const refused = new Set<string>();
/** orders whose mails fail with an error the database then refuses to record (a trigger, below) */
const unrecordable = new Set<string>();
let sendDelayMs = 0;

/** Wraps the configured (mailbox) transport: injects failures, slows sends down, counts what got through. */
const instrumented = (instance: string) =>
  function wrap(configured: MailTransport): MailTransport {
    return {
      name: `${configured.name} (instrumented)`,
      async send(mail) {
        if (refused.has(mail.orderId)) throw new PermanentMailError("550 5.1.1 no such user (injected)");
        if (unrecordable.has(mail.orderId)) throw new Error("451 4.3.0 try again later (unrecordable, injected)");
        const left = failuresLeft.get(mail.orderId) ?? 0;
        if (left > 0) {
          failuresLeft.set(mail.orderId, left - 1);
          throw new Error("421 4.3.2 service not available, try again later (injected)");
        }
        if (sendDelayMs) await new Promise((resolve) => setTimeout(resolve, sendDelayMs));
        const result = await configured.send(mail);
        accepted.push({ messageId: mail.messageId, instance });
        return result;
      },
    };
  };

const config = () => NotificationsConfig.parse({ NATS_URL: nats.url, DATABASE_URL: db.url, PORT: "0", LOG_LEVEL: "silent" });
const start = (instance: string) => startNotifications(config(), { transport: instrumented(instance), mailWorker: { retryBaseMs: 200, retryMaxMs: 1_000 } });

const customer = { email: "ada@example.com" };
const confirmed = (orderId = randomUUID(), email = customer.email) => orderConfirmed({ orderId, email });
const shipped = (orderId: string) =>
  ShipmentCreated.create(orderId, { orderId, shipmentId: `shp_${orderId}`, carrier: "sim-post", trackingNumber: "SIM987654321", estimatedDelivery: "2026-01-05", customer });
const copyWithNewId = (event: CloudEvent) => ({ ...event, id: randomUUID() });

const getJson = async <T>(path: string) => {
  const response = await fetch(`${service.url}${path}`);
  return { status: response.status, type: response.headers.get("content-type"), body: (await response.json()) as T };
};
const mailbox = async (query: string) => (await getJson<{ items: MailboxEntry[] }>(`/api/mailbox?${query}`)).body.items;
const notifications = async (orderId: string) => (await getJson<{ items: OutgoingMail[] }>(`/api/notifications/${orderId}`)).body.items;
const sendsOf = (messageId: string) => accepted.filter((send) => send.messageId === messageId).length;

const settle = async () => {
  await bus.settled("ORDERS", "notifications-orders");
  await bus.settled("SHIPPING", "notifications-shipping");
};
/** waits until the order's mail of this kind has left the worker (sent or failed) */
const waitForMail = (orderId: string, kind: string, status = "sent") =>
  waitFor(async () => (await notifications(orderId)).find((mail) => mail.kind === kind && mail.status === status), { what: `${kind} mail ${status} for ${orderId}` });

beforeAll(async () => {
  nats = await startNatsServer();
  db = await createTestDatabase("notifications");
  service = await start("first");
  bus = await connectBus(nats.url);
});

afterAll(async () => {
  await service?.stop();
  await bus?.close();
  await db?.drop();
  await nats?.stop();
});

beforeEach(() => {
  sendDelayMs = 0;
});

describe("notifications mails the shopper when an order is confirmed", () => {
  it("given OrderConfirmed, the shopper gets exactly one confirmation with the lines and the total", async () => {
    const event = confirmed(randomUUID(), "Ada.Lovelace@example.com");
    const orderId = event.subject;
    await bus.publish(event);
    await waitForMail(orderId, "confirmed");

    const [mail, ...others] = await mailbox(`orderId=${orderId}`);
    expect(others).toEqual([]);
    expect(mail).toMatchObject({ to: "Ada.Lovelace@example.com", from: "Checkout <orders@checkout.local>", kind: "confirmed", messageId: `<${orderId}.confirmed@checkout>` });
    expect(mail!.subject).toBe(`Your order ${orderId.slice(0, 8).toUpperCase()} is confirmed`);
    expect(mail!.text).toContain("Total: $36.50");
    expect(mail!.text).toContain("2 × MUG-LOGO");
    expect(mail!.html).toContain("Total: $36.50");

    // the shopper's mailbox, found by address whatever its case, and one mail by id
    expect((await mailbox("to=ada.lovelace%40example.com")).map((m) => m.id)).toContain(mail!.id);
    const byId = await getJson<MailboxEntry>(`/api/mailbox/${mail!.id}`);
    expect(byId.status).toBe(200);
    expect(byId.body.text).toBe(mail!.text);

    const [row] = await notifications(orderId);
    expect(row).toMatchObject({ kind: "confirmed", status: "sent", attempts: 1, eventId: event.id, transportMessageId: `mailbox:${mail!.id}` });
    expect(row!.sentAt).not.toBeNull();
    expect(sendsOf(mail!.messageId)).toBe(1);
  });

  it("the same event delivered again, and a copy under a new event id, still make one mail", async () => {
    const event = confirmed();
    const orderId = event.subject;
    await bus.publish(event);
    await waitForMail(orderId, "confirmed");

    await bus.publish(event, { msgID: `${event.id}-again` }); // past JetStream's dedupe: the inbox sees it
    await bus.publish(copyWithNewId(event)); // a new event id: only UNIQUE (order_id, kind) catches it
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 300)); // a second row, had there been one, would be sent by now

    const rows = await notifications(orderId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "sent", eventId: event.id, attempts: 1 });
    expect(await mailbox(`orderId=${orderId}`)).toHaveLength(1);
    expect(sendsOf(`<${orderId}.confirmed@checkout>`)).toBe(1);
  });
});

describe("notifications mails cancellations and shipments", () => {
  it("given OrderCancelled because the card was declined, one cancellation says so in plain words", async () => {
    const orderId = randomUUID();
    const event = OrderCancelled.create(orderId, { orderId, reason: "payment_declined", detail: "insufficient_funds", customer });
    await bus.publish(event);
    await bus.publish(copyWithNewId(event));
    await waitForMail(orderId, "cancelled");
    await settle();

    const mails = await mailbox(`orderId=${orderId}`);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to: "ada@example.com", kind: "cancelled" });
    expect(mails[0]!.subject).toContain("was cancelled");
    expect(mails[0]!.text).toContain("because your card was declined");
    expect(mails[0]!.text).toContain("Details: insufficient_funds");
  });

  it("an order checkout refused as sold out (OrderRefused, or OrderCancelled with placed: false) gets no mail and leaves no row: the 202 told the shopper", async () => {
    const refusals = refusedAtCheckout();
    const declinedId = randomUUID();
    for (const refused of refusals) await bus.publish(refused);
    await bus.publish(OrderCancelled.create(declinedId, { orderId: declinedId, reason: "payment_declined", customer })); // after it on the same stream
    await waitForMail(declinedId, "cancelled");
    await settle();
    for (const refused of refusals) {
      expect(await notifications(refused.subject)).toEqual([]);
      expect(await mailbox(`orderId=${refused.subject}`)).toEqual([]);
      expect(await rowsAbout(db.url, refused.subject, [refused.id])).toEqual({});
    }
  });

  it("given ShipmentCreated, the shopper gets the carrier, the tracking number and the estimated delivery", async () => {
    const orderId = randomUUID();
    await bus.publish(confirmed(orderId));
    await bus.publish(shipped(orderId));
    await waitForMail(orderId, "shipped");
    await waitForMail(orderId, "confirmed");

    const mails = await mailbox(`orderId=${orderId}`);
    expect(mails.map((mail) => mail.kind).sort()).toEqual(["confirmed", "shipped"]);
    const mail = mails.find((m) => m.kind === "shipped")!;
    expect(mail.subject).toContain("has shipped");
    expect(mail.text).toContain("Tracking number: SIM987654321");
    expect(mail.text).toContain("Carrier: sim-post");
    expect(mail.text).toContain("Estimated delivery: Monday, January 5, 2026");
    expect(mail.messageId).toBe(`<${orderId}.shipped@checkout>`);
  });

  it("a shipment seen after the cancellation sends no shipped mail", async () => {
    const orderId = randomUUID();
    await bus.publish(OrderCancelled.create(orderId, { orderId, reason: "customer_request", customer }));
    await waitForMail(orderId, "cancelled");
    await bus.publish(shipped(orderId));
    await settle();
    expect((await notifications(orderId)).map((mail) => mail.kind)).toEqual(["cancelled"]);
    expect((await mailbox(`orderId=${orderId}`)).map((mail) => mail.kind)).toEqual(["cancelled"]);
  });
});

describe("each mail goes out once, whatever fails", () => {
  it("two instances on the same database and stream send each mail once", async () => {
    const second = await start("second");
    try {
      sendDelayMs = 25; // sends overlap, so two workers would both send a row they both held
      const events = Array.from({ length: 30 }, () => confirmed());
      await Promise.all(events.flatMap((event) => [bus.publish(event), bus.publish(copyWithNewId(event))]));
      for (const event of events) await waitForMail(event.subject, "confirmed");
      await settle();

      for (const event of events) {
        expect(sendsOf(`<${event.subject}.confirmed@checkout>`)).toBe(1);
        expect(await notifications(event.subject)).toHaveLength(1);
      }
      const delivered = await service.sql<{ orderId: string }[]>`
        SELECT order_id AS "orderId" FROM mailbox WHERE order_id = ANY(${events.map((e) => e.subject)}::uuid[])`;
      expect(delivered).toHaveLength(events.length);
    } finally {
      await second.stop();
    }
  });

  it("a transport failure is retried with backoff and the mail is delivered once", async () => {
    const event = confirmed();
    const orderId = event.subject;
    failuresLeft.set(orderId, 2);
    await bus.publish(event);
    await waitForMail(orderId, "confirmed");

    const [row] = await notifications(orderId);
    expect(row).toMatchObject({ status: "sent", attempts: 3 });
    expect(row!.lastError).toContain("421 4.3.2");
    expect(await mailbox(`orderId=${orderId}`)).toHaveLength(1);
    expect(sendsOf(`<${orderId}.confirmed@checkout>`)).toBe(1);
  });

  it("a mail sent in the same round as one whose failure cannot be recorded is still marked sent, and not sent again", async () => {
    await service.sql.unsafe(`
      CREATE OR REPLACE FUNCTION refuse_unrecordable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.last_error LIKE '%unrecordable%' THEN RAISE EXCEPTION 'injected: this failure cannot be recorded'; END IF;
        RETURN NEW;
      END $$;
      DROP TRIGGER IF EXISTS refuse_unrecordable ON outgoing_mail;
      CREATE TRIGGER refuse_unrecordable BEFORE UPDATE ON outgoing_mail FOR EACH ROW EXECUTE FUNCTION refuse_unrecordable();`);
    const failing = confirmed();
    const fine = confirmed();
    unrecordable.add(failing.subject);
    sendDelayMs = 200; // both mails are claimed before either send ends
    await Promise.all([bus.publish(failing), bus.publish(fine)]);
    await waitFor(async () => (await notifications(failing.subject)).length === 1 && (await notifications(fine.subject)).length === 1, { what: "both mails queued" });

    // without recording the round's sends together, the sent one stayed claimed until its lease ran out (60 s), then went out again
    const row = await waitForMail(fine.subject, "confirmed");
    expect(row).toMatchObject({ status: "sent", attempts: 1 });
    expect(sendsOf(`<${fine.subject}.confirmed@checkout>`)).toBe(1);
    unrecordable.delete(failing.subject);
  });

  it("a permanent refusal is not retried: the mail is marked failed with the reason", async () => {
    const event = confirmed();
    const orderId = event.subject;
    refused.add(orderId);
    await bus.publish(event);
    const row = await waitForMail(orderId, "confirmed", "failed");
    expect(row).toMatchObject({ attempts: 1, sentAt: null });
    expect(row.lastError).toContain("550 5.1.1");
    expect(await mailbox(`orderId=${orderId}`)).toHaveLength(0);
  });

  it("the mailbox transport stores a resent mail once (a crash after the send, before it was marked sent)", async () => {
    const transport = mailboxTransport(service.sql);
    const orderId = randomUUID();
    const mail = { messageId: `<${orderId}.confirmed@checkout>`, orderId, kind: "confirmed" as const, from: "Checkout <orders@checkout.local>", to: "ada@example.com", subject: "s", text: "t" };
    const first = await transport.send(mail);
    const again = await transport.send(mail);
    expect(again).toEqual(first);
    expect(await mailbox(`orderId=${orderId}`)).toHaveLength(1);
  });
});

describe("notifications HTTP API", () => {
  it("bad query values and ids get a 400 problem naming the field; an unknown mail is a 404", async () => {
    for (const [path, field] of [
      ["/api/mailbox?orderId=not-a-uuid", "orderId"],
      ["/api/mailbox?to=not-an-address", "to"],
      ["/api/mailbox?limit=0", "limit"],
      ["/api/mailbox/abc", "id"],
      ["/api/notifications/not-a-uuid", "orderId"],
    ] as const) {
      const response = await getJson<{ errors: Array<{ field: string }> }>(path);
      expect(response.status, path).toBe(400);
      expect(response.type).toContain("application/problem+json");
      expect(response.body.errors[0]!.field, path).toBe(field);
    }
    expect((await getJson("/api/mailbox/987654321")).status).toBe(404);
    expect(await notifications(randomUUID())).toEqual([]);
  });
});

describe("contract", () => {
  it("nothing was dead-lettered and notifications published no events", async () => {
    await settle();
    expect((await bus.jsm.streams.info("DLQ")).state.messages).toBe(0);
    const [outbox] = await service.sql<{ count: number }[]>`SELECT count(*)::int AS count FROM outbox`;
    expect(outbox!.count).toBe(0);
    const [inbox] = await service.sql<{ count: number }[]>`SELECT count(*)::int AS count FROM inbox WHERE consumer LIKE 'notifications-%'`;
    expect(inbox!.count).toBeGreaterThan(10);
  });
});
