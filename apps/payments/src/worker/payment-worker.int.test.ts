import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { jetstream } from "@nats-io/jetstream";
import { connect, migrate } from "@checkout/db";
import { MESSAGING_MIGRATIONS } from "@checkout/messaging";
import { startStripeSim } from "@checkout/stripe-sim";
import { capturedLog, connectBus, createTestDatabase, startNatsServer, waitFor, type Bus, type NatsServer, type TestDatabase } from "@checkout/testing";
import { PAYMENTS_MIGRATIONS } from "../service.ts";
import { createStripe } from "../stripe/client.ts";
import { startPaymentWorker } from "./payment-worker.ts";

let nats: NatsServer;
let bus: Bus;
let db: TestDatabase;
let sim: Awaited<ReturnType<typeof startStripeSim>>;

beforeAll(async () => {
  nats = await startNatsServer();
  bus = await connectBus(nats.url);
  db = await createTestDatabase("payment-worker");
  const admin = connect(db.url, { max: 1 });
  await migrate(admin, [MESSAGING_MIGRATIONS, PAYMENTS_MIGRATIONS]);
  await admin.end();
  sim = await startStripeSim({ port: 0 });
});

afterAll(async () => {
  await bus?.close();
  await sim?.close();
  await db?.drop();
  await nats?.stop();
});

describe("the payment worker, when the pool has no connection to give", () => {
  // Its claim used to be a plain pool query, which postgres.js lets wait with no limit: a claim that never
  // settled would stop the worker for good (most likely what left payments in `capturing` in a CI chaos
  // run, seed 28629).
  it("says so when its claim's wait runs out, and authorizes the payment once a connection is free", async () => {
    const pool = connect(db.url, { max: 1 });
    const held = await pool.reserve(); // the pool's only connection
    const orderId = randomUUID();
    await held`
      INSERT INTO payments (order_id, amount, currency, payment_method, reservation_id, reservation_expires_at, status, next_attempt_at)
      VALUES (${orderId}, 1500, 'USD', 'pm_card_visa', ${`res_${orderId}`}, now() + interval '1 minute', 'authorizing', now())`;
    const { log, lines } = capturedLog("payments");
    const stripe = createStripe({ secretKey: "sk_test_worker", apiUrl: sim.url, timeoutMs: 2_000, maxNetworkRetries: 0 });
    const worker = await startPaymentWorker({ sql: pool, stripe, js: jetstream(bus.nc), log, pollMs: 100, claimLimits: { reserveTimeoutMs: 300 } });
    try {
      await waitFor(() => lines.some((line) => line.msg === "payment worker: database error" && line.err?.code === "pool_wait_timed_out"), {
        timeoutMs: 5_000,
        what: "the worker to report that it got no connection",
      });
      const [waiting] = await held<{ status: string; attempts: number }[]>`SELECT status, attempts FROM payments WHERE order_id = ${orderId}`;
      expect(waiting).toEqual({ status: "authorizing", attempts: 0 });

      held.release();
      await waitFor(async () => (await pool<{ status: string }[]>`SELECT status FROM payments WHERE order_id = ${orderId}`)[0]?.status === "authorized", {
        timeoutMs: 10_000,
        what: "the payment to be authorized",
      });
      const intents = (await (await fetch(`${sim.url}/_sim/payment_intents?order_id=${orderId}`)).json()) as { data: Array<{ status: string; amount: number }> };
      expect(intents.data).toMatchObject([{ status: "requires_capture", amount: 1500 }]);
    } finally {
      held.release(); // a second release does nothing
      await worker.stop();
      await pool.end({ timeout: 1 });
    }
  }, 30_000);
});
