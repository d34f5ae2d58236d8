import postgres from "postgres";
import { createTestDatabase } from "@checkout/testing";
import { epochNow } from "../clock.ts";

export interface PostgresRate {
  /** each transaction also ran pg_notify (as the outbox and the orders status trigger do) */
  notify: boolean;
  connections: number;
  seconds: number;
  commits: number;
  perSecond: number;
}

/**
 * The raw PostgreSQL commit rate of this machine: `connections` clients each running BEGIN; INSERT one
 * row; COMMIT in a loop for `seconds`, in a scratch database on the run's server (dropped afterwards).
 * Every commit waits for its WAL flush (fsync on, synchronous_commit on), as the services' do. With
 * `notify`, each transaction also calls pg_notify, as the outbox and the orders status trigger do:
 * PostgreSQL queues notifying commits on one database-wide lock.
 */
export async function measurePostgresRate(adminUrl: string, { seconds = 5, connections = 16, notify = false } = {}): Promise<PostgresRate> {
  const db = await createTestDatabase("bench_raw", adminUrl);
  const sql = postgres(db.url, { max: connections, onnotice: () => {} });
  try {
    await sql`CREATE TABLE raw_commit (id bigserial PRIMARY KEY, payload text NOT NULL, at timestamptz NOT NULL DEFAULT now())`;
    await Promise.all(Array.from({ length: connections }, () => sql`SELECT 1`)); // open the connections first
    const payload = "x".repeat(200);
    let commits = 0;
    const started = epochNow();
    const deadline = started + seconds * 1_000;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (epochNow() < deadline) {
          await sql.begin(async (tx) => {
            await tx`INSERT INTO raw_commit (payload) VALUES (${payload})`;
            if (notify) await tx`SELECT pg_notify('bench_raw', '1')`;
          });
          commits++;
        }
      }),
    );
    const elapsed = (epochNow() - started) / 1_000;
    return { notify, connections, seconds: Math.round(elapsed * 100) / 100, commits, perSecond: Math.round(commits / elapsed) };
  } finally {
    await sql.end({ timeout: 5 });
    await db.drop();
  }
}
