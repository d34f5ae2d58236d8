import { randomUUID } from "node:crypto";
import { InventoryRejected, InventoryReserved, OrderPlaced } from "@checkout/contracts";
import { defineHandler } from "@checkout/messaging";
import { decideReservation, mergeLines, stockKeys } from "../domain/reserve.ts";
import { stockSeenOf } from "../domain/stock-seen.ts";
import { availableNow, holdStock, lockAvailable, NONE } from "../db/stock.ts";
import { insertReservation, lockReservation } from "../db/reservations.ts";

/** Reserves every line of a new order, all or nothing, with an atomic check-and-decrement under row locks. */
export const onOrderPlaced = ({ reservationTtlMs }: { reservationTtlMs: number }) =>
  defineHandler({
    subscribe: OrderPlaced,
    // the decision reads the stock levels: the decisions on one SKU in a batch are made one after the other
    sharedKeys: (event) => stockKeys(event.data.lines),
    // side by side for the whole batch, so in one round trip: the order's reservation and, if it has
    // none and no other order of the batch reads them first, the stock rows, both locked
    async prepare(event, { sql, shared }) {
      const { orderId } = event.data;
      const lines = mergeLines(event.data.lines);
      const toRead = stockSeenOf(shared).claim(lines.map((line) => line.sku));
      const [known, read] = await Promise.all([lockReservation(sql, orderId), toRead.length > 0 ? lockAvailable(sql, toRead, { unlessKnown: orderId }) : NONE]);
      return { lines, known, read };
    },
    async handle(event, { sql, now, log, later, shared }, { lines, known, read }) {
      const { orderId } = event.data;
      if (known) {
        log.info("order already seen by inventory (cancelled before it was placed, or a copy of the event); nothing to reserve");
        return [];
      }
      // the levels as the decisions before this one in the batch left them (no round trip), or as read
      const seen = stockSeenOf(shared);
      const available = await availableNow(sql, seen, lines.map((line) => line.sku), read);
      const decision = decideReservation(available, lines);
      seen.decided(available, decision.ok ? decision.lines : []);
      const causedBy = event;
      if (!decision.ok) {
        later(insertReservation(sql, { id: `rej_${randomUUID()}`, orderId, status: "rejected", lines }));
        return [InventoryRejected.create(orderId, { orderId, reason: decision.reason, lines: decision.lines }, { causedBy })];
      }
      const reservationId = `res_${randomUUID()}`;
      const expiresAt = new Date(now().getTime() + reservationTtlMs);
      later(holdStock(sql, decision.lines));
      later(insertReservation(sql, { id: reservationId, orderId, status: "held", lines: decision.lines, expiresAt }));
      return [InventoryReserved.create(orderId, { orderId, reservationId, lines: decision.lines, expiresAt: expiresAt.toISOString() }, { causedBy })];
    },
  });
