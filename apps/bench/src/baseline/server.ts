import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import postgres from "postgres";
import { epochNow } from "../clock.ts";

/**
 * The naive design the saga replaces, for comparison: one service, one database, and the payment made
 * inside the transaction that holds the stock row locked.
 *
 *   POST /checkout { orderId, sku, qty, paymentMethod, amount }
 *     BEGIN; SELECT on_hand FROM stock WHERE sku = $1 FOR UPDATE;
 *     POST /v1/payment_intents (confirm, automatic capture) to the same stripe-sim, same latency;
 *     UPDATE stock; INSERT INTO orders; COMMIT  → 201 | 409 out of stock | 402 declined
 */
export interface BaselineService {
  url: string;
  /** commit times of the orders it took (epoch ms), for its throughput */
  commits: number[];
  setStock(stock: Record<string, number>): Promise<void>;
  /** from now on, a request that gets the lock answers 503 without calling the provider: ends a run quickly */
  drain(): void;
  soldBySku(): Promise<Record<string, number>>;
  stockBySku(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

const SCHEMA = `
  CREATE TABLE stock (sku text PRIMARY KEY, on_hand integer NOT NULL CHECK (on_hand >= 0));
  CREATE TABLE orders (
    id uuid PRIMARY KEY, sku text NOT NULL, qty integer NOT NULL, amount integer NOT NULL,
    payment_intent_id text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());`;

async function readBody(request: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

export async function startBaseline({ databaseUrl, stripeUrl, pool = 20 }: { databaseUrl: string; stripeUrl: string; pool?: number }): Promise<BaselineService> {
  const sql = postgres(databaseUrl, { max: pool, onnotice: () => {} });
  await sql.unsafe(SCHEMA);
  const commits: number[] = [];
  let draining = false;

  const charge = async ({ orderId, amount, paymentMethod }: { orderId: string; amount: number; paymentMethod: string }) => {
    const form = new URLSearchParams({ amount: String(amount), currency: "usd", payment_method: paymentMethod, confirm: "true", capture_method: "automatic", "metadata[order_id]": orderId });
    const response = await fetch(`${stripeUrl}/v1/payment_intents`, {
      method: "POST",
      headers: { authorization: "Bearer sk_test_baseline", "content-type": "application/x-www-form-urlencoded", "idempotency-key": `${orderId}:charge` },
      body: form,
    });
    const body = (await response.json()) as { id?: string; error?: { payment_intent?: { id: string } } };
    return { ok: response.status === 200, status: response.status, id: body.id ?? body.error?.payment_intent?.id };
  };

  async function checkout(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const { orderId, sku, qty, paymentMethod, amount } = await readBody(request);
    return sql.begin(async (tx) => {
      const [row] = await tx<Array<{ on_hand: number }>>`SELECT on_hand FROM stock WHERE sku = ${sku} FOR UPDATE`;
      if (draining) return { status: 503, body: { error: "draining" } };
      if (!row || row.on_hand < qty) return { status: 409, body: { error: "out_of_stock" } };
      const payment = await charge({ orderId, amount, paymentMethod });
      if (!payment.ok) return { status: payment.status === 402 ? 402 : 502, body: { error: "payment_failed", status: payment.status } };
      await tx`UPDATE stock SET on_hand = on_hand - ${qty} WHERE sku = ${sku}`;
      await tx`INSERT INTO orders (id, sku, qty, amount, payment_intent_id) VALUES (${orderId}, ${sku}, ${qty}, ${amount}, ${payment.id!})`;
      return { status: 201, body: { orderId, paymentIntentId: payment.id } };
    });
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (request.method !== "POST" || request.url !== "/checkout") return answer(404, { error: "not_found" });
    checkout(request).then(
      ({ status, body }) => {
        if (status === 201) commits.push(epochNow());
        answer(status, body);
      },
      (error: Error) => answer(500, { error: error.message }),
    );
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    commits,
    async setStock(stock) {
      for (const [sku, onHand] of Object.entries(stock)) await sql`INSERT INTO stock (sku, on_hand) VALUES (${sku}, ${onHand}) ON CONFLICT (sku) DO UPDATE SET on_hand = EXCLUDED.on_hand`;
    },
    drain: () => void (draining = true),
    async soldBySku() {
      const rows = await sql<Array<{ sku: string; sold: number }>>`SELECT sku, sum(qty)::int AS sold FROM orders GROUP BY sku`;
      return Object.fromEntries(rows.map((r) => [r.sku, r.sold]));
    },
    async stockBySku() {
      const rows = await sql<Array<{ sku: string; on_hand: number }>>`SELECT sku, on_hand FROM stock`;
      return Object.fromEntries(rows.map((r) => [r.sku, r.on_hand]));
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sql.end({ timeout: 5 });
    },
  };
}
