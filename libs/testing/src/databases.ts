import postgres from "postgres";
import { randomBytes } from "node:crypto";
import { environment } from "@checkout/config";

const env = environment();
/** The local server the tests use; override with TEST_PG_URL (a URL to any database on it). */
export const PG_URL = env.TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const REDIS_URL = env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, empty database with a unique name, dropped by `drop()`. */
export async function createTestDatabase(label: string, adminUrl = PG_URL): Promise<TestDatabase> {
  const name = `checkout_test_${label}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await sql.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
      await sql.end();
    },
  };
}

/** A unique Redis key prefix, so test files never see each other's keys. */
export const redisPrefix = (label: string) => `test:${label}:${randomBytes(4).toString("hex")}:`;

/**
 * What a service's database holds about an order: the rows of every table with an `order_id` column,
 * by table, and its inbox records of the given events. Empty when the service wrote nothing about it.
 */
export async function rowsAbout(databaseUrl: string, orderId: string, eventIds: string[] = []): Promise<Record<string, number>> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const tables = await sql<{ table_name: string }[]>`
      SELECT table_name FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name = 'order_id' AND data_type IN ('uuid', 'text')`;
    const counts: Record<string, number> = {};
    for (const { table_name } of tables) {
      const [row] = await sql`SELECT count(*)::int AS n FROM ${sql(table_name)} WHERE order_id::text = ${orderId}`;
      if (row!.n > 0) counts[table_name] = row!.n;
    }
    const [inbox] = await sql`SELECT count(*)::int AS n FROM inbox WHERE event_id IN ${sql(eventIds.length ? eventIds : [""])}`;
    if (inbox!.n > 0) counts.inbox = inbox!.n;
    return counts;
  } finally {
    await sql.end();
  }
}
