import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrderPlaced } from "@checkout/contracts";
import { CommittedDespiteFailure, connect, migrate, transaction, type Sql } from "@checkout/db";
import { createTestDatabase, orderPlaced, type TestDatabase } from "@checkout/testing";
import { MESSAGING_MIGRATIONS } from "./index.ts";
import { writeOutboxEntries } from "./outbox.ts";

let db: TestDatabase;
let sql: Sql;

beforeAll(async () => {
  db = await createTestDatabase("outbox");
  sql = connect(db.url, { max: 1 }); // one connection: the statement is prepared once and then reused
  await migrate(sql, [MESSAGING_MIGRATIONS]);
});
afterAll(async () => {
  await sql?.end();
  await db?.drop();
});

describe("writeOutboxEntries", () => {
  it("stores every event as given, in the order given, with or without a trace, in batches of any size", async () => {
    const tricky = orderPlaced();
    tricky.data.shippingAddress.name = 'Quote"Back\\slash{},NULL Ünïcode'; // what an array literal must escape
    const batches = [[tricky], Array.from({ length: 7 }, () => orderPlaced()), [orderPlaced(), orderPlaced()]];
    const traceOf = (i: number) => (i % 2 ? `00-${"ab".repeat(16)}-${"cd".repeat(8)}-01` : undefined);
    for (const events of batches) {
      await transaction(sql, async (tx) => writeOutboxEntries(tx, events.map((event, i) => ({ event, traceparent: traceOf(i) }))));
    }
    const rows = await sql`SELECT event_id, subject, payload, traceparent FROM outbox ORDER BY id`;
    const expected = batches.flatMap((events) =>
      events.map((event, i) => ({ event_id: event.id, subject: OrderPlaced.subject(event.subject), payload: JSON.stringify(event), traceparent: traceOf(i) ?? null })),
    );
    expect(rows.map((row) => ({ ...row }))).toEqual(expected);
    expect(JSON.parse(rows[0]!.payload as string)).toEqual(JSON.parse(JSON.stringify(tricky)));
  });

  it("throws at once for an event it cannot store, so a transaction that defers the write is rolled back", async () => {
    const before = (await sql`SELECT count(*)::int AS n FROM outbox`)[0]!.n;
    const stray = { ...orderPlaced(), type: "checkout.NoSuchEvent.v1" };
    const failing = transaction(sql, async (tx, { later }) => {
      later(writeOutboxEntries(tx, [{ event: orderPlaced() }]));
      later(writeOutboxEntries(tx, [{ event: stray }]));
    });
    await expect(failing).rejects.toThrow(/no contract for event type checkout.NoSuchEvent.v1/);
    await expect(failing).rejects.not.toBeInstanceOf(CommittedDespiteFailure);
    expect((await sql`SELECT count(*)::int AS n FROM outbox`)[0]!.n).toBe(before); // the first write was rolled back too
  });
});
