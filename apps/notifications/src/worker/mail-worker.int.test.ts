import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { connect, migrate } from "@checkout/db";
import { MESSAGING_MIGRATIONS } from "@checkout/messaging";
import { capturedLog, createTestDatabase, waitFor, type TestDatabase } from "@checkout/testing";
import { NOTIFICATIONS_MIGRATIONS } from "../service.ts";
import { mailboxTransport } from "../transport/mailbox.ts";
import { startMailWorker } from "./mail-worker.ts";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase("mail-worker");
  const admin = connect(db.url, { max: 1 });
  await migrate(admin, [MESSAGING_MIGRATIONS, NOTIFICATIONS_MIGRATIONS]);
  await admin.end();
});

afterAll(async () => {
  await db?.drop();
});

describe("the mail worker, when the pool has no connection to give", () => {
  // Its statements used to be plain pool queries, which postgres.js lets wait with no limit: one that
  // never settled would have stopped the worker for good, with every mail after it left unsent.
  it("says so when its claim's wait runs out, and sends the mail once a connection is free", async () => {
    const pool = connect(db.url, { max: 1 });
    const held = await pool.reserve(); // the pool's only connection
    const orderId = randomUUID();
    const messageId = `<${orderId}.confirmed@checkout>`;
    await held`
      INSERT INTO outgoing_mail (order_id, kind, message_id, event_id, to_address, subject, text_body)
      VALUES (${orderId}, 'confirmed', ${messageId}, ${randomUUID()}, 'ada@example.com', 'Your order', 'Thank you')`;
    const { log, lines } = capturedLog("notifications");
    const worker = await startMailWorker({ sql: pool, log, transport: mailboxTransport(pool), from: "shop@example.com", pollMs: 100, dbLimits: { reserveTimeoutMs: 300 } });
    try {
      await waitFor(() => lines.some((line) => line.msg === "mail worker: database error" && line.err?.code === "pool_wait_timed_out"), {
        timeoutMs: 5_000,
        what: "the worker to report that it got no connection",
      });
      expect(await held`SELECT status, attempts FROM outgoing_mail WHERE order_id = ${orderId}`).toEqual([{ status: "pending", attempts: 0 }]);

      held.release();
      await waitFor(async () => (await pool<{ status: string }[]>`SELECT status FROM outgoing_mail WHERE order_id = ${orderId}`)[0]?.status === "sent", {
        timeoutMs: 10_000,
        what: "the mail to be sent",
      });
      expect(await pool`SELECT to_address, subject FROM mailbox WHERE message_id = ${messageId}`).toEqual([{ to_address: "ada@example.com", subject: "Your order" }]);
    } finally {
      held.release(); // a second release does nothing
      await worker.stop();
      await pool.end({ timeout: 1 });
    }
  }, 30_000);

  // The transport has accepted the mail; marking it sent must not give up while the lease lasts, or the
  // mail is claimed and sent again when the lease runs out (SMTP would deliver the copy).
  it("keeps trying to mark a mail sent while the pool gives no connection, and sends it once", async () => {
    const pool = connect(db.url, { max: 1 });
    const orderId = randomUUID();
    await pool`
      INSERT INTO outgoing_mail (order_id, kind, message_id, event_id, to_address, subject, text_body)
      VALUES (${orderId}, 'shipped', ${`<${orderId}.shipped@checkout>`}, ${randomUUID()}, 'ada@example.com', 'Shipped', 'On its way')`;
    const sends: string[] = [];
    let held: Awaited<ReturnType<typeof pool.reserve>> | undefined;
    // a transport that, as it accepts the mail, leaves the pool without a connection for a second
    const transport = {
      name: "counting",
      async send(mail: { messageId: string }) {
        sends.push(mail.messageId);
        held = await pool.reserve();
        setTimeout(() => held!.release(), 1_000);
        return { transportMessageId: `counting:${sends.length}` };
      },
    };
    const { log, lines } = capturedLog("notifications");
    const worker = await startMailWorker({ sql: pool, log, transport, from: "shop@example.com", pollMs: 100, leaseMs: 4_000, dbLimits: { reserveTimeoutMs: 300 } });
    try {
      await waitFor(async () => (await pool<{ status: string }[]>`SELECT status FROM outgoing_mail WHERE order_id = ${orderId}`)[0]?.status === "sent", {
        timeoutMs: 10_000,
        what: "the mail to be marked sent",
      });
      expect(lines.some((line) => line.msg === "mail worker: could not record mails sent; trying again while their lease lasts")).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 4_500)); // past the lease: a mail left unmarked would be sent again now
      expect(sends).toEqual([`<${orderId}.shipped@checkout>`]);
      expect(await pool`SELECT attempts, transport_message_id FROM outgoing_mail WHERE order_id = ${orderId}`).toEqual([{ attempts: 1, transport_message_id: "counting:1" }]);
    } finally {
      held?.release();
      await worker.stop();
      await pool.end({ timeout: 1 });
    }
  }, 30_000);
});
