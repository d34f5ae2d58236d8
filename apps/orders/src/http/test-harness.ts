// Shared set-up for the orders HTTP integration tests: a fresh database (migrated and seeded), a
// Redis key prefix, a private nats-server with the idempotency bucket, and a stub inventory service.
// Requests go as one shopper (`h.user`, a bearer token signed with TEST_JWT_SECRET) unless told
// otherwise; rate limits are off unless a test asks for them.
import { Hono } from "hono";
import { Redis } from "ioredis";
import { Kvm, type KV } from "@nats-io/kv";
import { connect as connectNats, type NatsConnection } from "@nats-io/transport-node";
import { connect, migrate, type Sql } from "@checkout/db";
import { createMetrics, listen, type RunningServer } from "@checkout/http";
import { createLogger } from "@checkout/log";
import { MESSAGING_MIGRATIONS } from "@checkout/messaging";
import { randomUUID } from "node:crypto";
import { authHeaders, createTestDatabase, redisPrefix, REDIS_URL, startNatsServer, TEST_JWT_SECRET, type NatsServer, type TestDatabase } from "@checkout/testing";
import { seedCatalog } from "../seed/catalog.ts";
import { createOrdersApp } from "./app.ts";
import type { OrdersDeps } from "./deps.ts";
import { startSoldOutHint } from "../sold-out-watch.ts";
import { createStockClient } from "./stock-client.ts";
import { ORDERS_MIGRATIONS } from "../service.ts";

export const ADDRESS = { name: "Ada Lovelace", line1: "1 Market St", city: "San Francisco", postalCode: "94105", region: "US-CA", country: "US" };

/** how long the sold-out hint's question to the stock stub may take */
export const RECHECK_TIMEOUT_MS = 2_000;

/** A stand-in for the inventory service: GET /api/stock/:sku from `levels`, 404 for others. */
export interface StockStub {
  levels: Map<string, number>;
  delayMs: number;
  url: string;
  /** GET /api/stock/:sku requests answered so far */
  answered: number;
}

export interface Harness {
  app: ReturnType<typeof createOrdersApp>;
  deps: OrdersDeps;
  sql: Sql;
  redis: Redis;
  kv: KV;
  nc: NatsConnection;
  stock: StockStub;
  /** the shopper `call` and `cartWith` act as */
  user: string;
  /** `{ authorization: "Bearer …" }` of `user` */
  auth: Record<string, string>;
  /** a JSON request to the app as `user` (an `authorization` in `headers` replaces theirs; "" sends none) */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** `call` as another user (an admin with role "admin") */
  as(user: string, role?: "shopper" | "admin"): Promise<Harness["call"]>;
  /** a new cart of `user` (or of `as`) holding these quantities */
  cartWith(items: Record<string, number>, as?: Harness["call"]): Promise<string>;
  /** rows in orders and outbox */
  counts(): Promise<{ orders: number; outbox: number }>;
  close(): Promise<void>;
}

export async function startHarness({
  cartTtlSeconds = 600,
  rateLimits = { perUserPerMinute: 0, perIpPerMinute: 0 },
  admission = { maxInFlight: 0, maxWaiting: 0, maxWaitMs: 0, maxOpenOrders: 0 },
  soldOutHintMs = 0,
  skuGate,
}: {
  cartTtlSeconds?: number;
  rateLimits?: OrdersDeps["rateLimits"];
  admission?: OrdersDeps["admission"];
  /** > 0: checkout listens to inventory's rejections and releases on `nc`, as the service does */
  soldOutHintMs?: number;
  /** the hot-SKU gate's limits (ADR 0014), fed by inventory's decisions on `nc`, as the service's; none: no gate */
  skuGate?: { maxPerSku: number; maxWaiting: number; maxWaitMs: number };
} = {}): Promise<Harness> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const closeOne of closers.reverse()) await closeOne().catch(() => {});
  };
  try {
    const db: TestDatabase = await createTestDatabase("orders");
    closers.push(() => db.drop());
    const sql = connect(db.url, { max: 20 });
    closers.push(() => sql.end({ timeout: 1 }));
    await migrate(sql, [MESSAGING_MIGRATIONS, ORDERS_MIGRATIONS]);
    await seedCatalog(sql);

    const prefix = redisPrefix("orders");
    const redis = new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 1, enableAutoPipelining: true }); // auto-pipelined, as the service's
    closers.push(async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    });

    const nats: NatsServer = await startNatsServer();
    closers.push(() => nats.stop());
    const nc: NatsConnection = await connectNats({ servers: nats.url });
    closers.push(() => nc.close());
    const kv = await new Kvm(nc).create("idempotency", { history: 1, ttl: 24 * 3600 * 1000 });

    const stock: StockStub = { levels: new Map(), delayMs: 0, url: "", answered: 0 };
    const stub = new Hono().get("/api/stock/:sku", async (c) => {
      if (stock.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, stock.delayMs));
      stock.answered += 1;
      const available = stock.levels.get(c.req.param("sku"));
      return available === undefined ? c.json({ error: "unknown sku" }, 404) : c.json({ sku: c.req.param("sku"), available });
    });
    const inventory: RunningServer = await listen(stub);
    closers.push(() => inventory.close());
    stock.url = inventory.url;

    const log = createLogger({ service: "orders-test", level: "silent" });
    // as the service's, with a timeout a busy test machine keeps to (the service's is 300 ms)
    const recheck = createStockClient({ baseUrl: inventory.url, log, notFound: null, timeoutMs: RECHECK_TIMEOUT_MS });
    const hint = startSoldOutHint({ nc, ttlMs: soldOutHintMs, recheck, log, gate: skuGate });
    closers.push(async () => hint.stop());
    const deps: OrdersDeps = {
      sql,
      redis,
      redisPrefix: prefix,
      idempotency: kv,
      log,
      metrics: createMetrics("orders"),
      readiness: {},
      now: () => new Date(),
      inventoryUrl: inventory.url,
      cartTtlSeconds,
      authSecret: TEST_JWT_SECRET,
      rateLimits,
      trustProxy: false,
      admission,
      soldOut: hint.soldOut,
      skuGate: hint.gate,
    };
    const app = createOrdersApp(deps);

    const caller = (auth: Record<string, string>): Harness["call"] =>
      async function call(method, path, body, headers = {}) {
        const own = Object.entries(headers).find(([name]) => name.toLowerCase() === "authorization");
        const all: Record<string, string> = { ...(own ? {} : auth), ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers };
        if (own?.[1] === "") delete all[own[0]];
        return app.request(path, { method, headers: all, ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }) });
      };
    const user = `shopper-${randomUUID()}`;
    const auth = await authHeaders(user);
    const call = caller(auth);

    return {
      app,
      deps,
      sql,
      redis,
      kv,
      nc,
      stock,
      user,
      auth,
      call,
      as: async (other, role = "shopper") => caller(await authHeaders(other, { role })),
      async cartWith(items, as = call) {
        const { cartId } = (await (await as("POST", "/api/cart")).json()) as { cartId: string };
        for (const [sku, qty] of Object.entries(items)) {
          const response = await as("POST", `/api/cart/${cartId}/items`, { sku, qty });
          if (response.status !== 200) throw new Error(`adding ${sku}: ${response.status} ${await response.text()}`);
        }
        return cartId;
      },
      async counts() {
        const [row] = await sql<{ orders: number; outbox: number }[]>`
          SELECT (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM outbox) AS outbox`;
        return row!;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The parsed problem+json of a response, after checking its status and content type. */
export async function problemOf(response: Response): Promise<{ status: number; code: string; detail: string; errors?: { field: string; message: string }[] }> {
  const type = response.headers.get("content-type") ?? "";
  if (!type.startsWith("application/problem+json")) throw new Error(`expected problem+json, got ${type}: ${await response.text()}`);
  return response.json() as never;
}

/** The fields a problem names. */
export const fieldsOf = (problem: { errors?: { field: string }[] }) => (problem.errors ?? []).map((e) => e.field);
