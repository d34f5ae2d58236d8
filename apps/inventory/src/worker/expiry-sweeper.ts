import { InventoryReleased } from "@checkout/contracts";
import { transaction, type Sql } from "@checkout/db";
import type { Logger } from "@checkout/log";
import { backoffMs, writeOutbox } from "@checkout/messaging";
import { releaseStock } from "../db/stock.ts";
import type { Reservation } from "../db/reservations.ts";

/**
 * Releases holds whose deadline has passed: the reservation TTL is driven by the application, because
 * per-message and per-key TTL do not exist before nats-server 2.11 (ARCHITECTURE §5). PostgreSQL is
 * the durable timer: a hold is due when `expires_at + graceMs <= now()`. Each due hold is released in
 * one transaction with its InventoryReleased(expired) event; `FOR UPDATE SKIP LOCKED` and the status
 * check make several instances release a hold exactly once. The grace gives an authorization that
 * arrived just before the deadline time to be confirmed (see docs/adr/0007).
 */
export async function startExpirySweeper({
  sql,
  log,
  graceMs,
  pollMs = 500,
  batchSize = 200,
  onReleased = () => {},
}: {
  sql: Sql;
  log: Logger;
  graceMs: number;
  pollMs?: number;
  batchSize?: number;
  onReleased?: (count: number) => void;
}) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: () => void = () => {};

  async function sweep(): Promise<number> {
    // transaction(), not sql.begin: its pool wait and deadline keep a lost connection from stopping the loop
    return transaction(sql, async (tx) => {
      const due = await tx<Reservation[]>`
        SELECT id, order_id AS "orderId", status, lines, expires_at AS "expiresAt"
        FROM reservations
        WHERE status = 'held' AND expires_at + ${graceMs} * interval '1 millisecond' <= now()
        ORDER BY expires_at LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`;
      if (due.length === 0) return 0;
      const events = [];
      for (const hold of due) {
        await releaseStock(tx, hold.lines);
        events.push(InventoryReleased.create(hold.orderId, { orderId: hold.orderId, reservationId: hold.id, lines: hold.lines, reason: "expired", from: "reserved" }));
      }
      await tx`UPDATE reservations SET status = 'released', release_reason = 'expired', updated_at = now() WHERE id = ANY(${due.map((hold) => hold.id)})`;
      await writeOutbox(tx, events);
      log.info({ orders: due.map((hold) => hold.orderId) }, `released ${due.length} expired reservation(s)`);
      return due.length;
    });
  }

  const loop = (async function sweeper() {
    let failures = 0;
    while (!stopped) {
      try {
        const released = await sweep();
        failures = 0;
        if (released > 0) onReleased(released);
        if (released === batchSize) continue;
      } catch (error) {
        failures += 1;
        log.error({ err: error }, "expiry sweeper: database error");
      }
      await new Promise<void>((resolve) => {
        timer = setTimeout(resolve, failures ? backoffMs(failures, { base: pollMs, max: 10_000 }) : pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake();
      await loop;
    },
  };
}
