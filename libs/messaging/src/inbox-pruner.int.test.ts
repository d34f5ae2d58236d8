import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseConfig } from "@checkout/config";
import { connect, migrate, type Sql } from "@checkout/db";
import { createTestDatabase, type TestDatabase } from "@checkout/testing";
import { MESSAGING_MIGRATIONS, MIN_INBOX_RETENTION_MS, pruneInbox } from "./index.ts";

let db: TestDatabase;
let sql: Sql;
beforeAll(async () => {
  db = await createTestDatabase("inbox_pruner");
  sql = connect(db.url, { max: 3 });
  await migrate(sql, [MESSAGING_MIGRATIONS]);
});
afterAll(async () => {
  await sql?.end();
  await db?.drop();
});

const DAY_MS = 24 * 3600 * 1000;

describe("inbox pruning", () => {
  it("deletes the rows handled longer ago than the retention, in batches, and keeps the rest", async () => {
    const rows = Array.from({ length: 7 }, (_, i) => ({ consumer: "c", event_id: `old-${i}`, stream_seq: i, handled_at: new Date(Date.now() - 40 * DAY_MS) }));
    rows.push(...Array.from({ length: 3 }, (_, i) => ({ consumer: "c", event_id: `new-${i}`, stream_seq: 100 + i, handled_at: new Date(Date.now() - 29 * DAY_MS) })));
    await sql`INSERT INTO inbox ${sql(rows)}`;
    expect(await pruneInbox(sql, { retentionMs: 31 * DAY_MS, batchSize: 2 })).toBe(7);
    expect((await sql<{ event_id: string }[]>`SELECT event_id FROM inbox ORDER BY event_id`).map((row) => row.event_id)).toEqual(["new-0", "new-1", "new-2"]);
    expect(await pruneInbox(sql, { retentionMs: 31 * DAY_MS })).toBe(0);
  });

  it("refuses a retention shorter than the longest stream's, at configuration", () => {
    expect(MIN_INBOX_RETENTION_MS).toBe(30 * DAY_MS);
    expect(baseConfig.safeParse({ INBOX_RETENTION_MS: String(MIN_INBOX_RETENTION_MS - 1) }).success).toBe(false);
    expect(baseConfig.parse({ INBOX_RETENTION_MS: String(MIN_INBOX_RETENTION_MS) }).INBOX_RETENTION_MS).toBe(MIN_INBOX_RETENTION_MS);
  });
});
