import { randomUUID } from "node:crypto";
import { InventoryRejected, InventoryReserved, OrderPlaced } from "@checkout/contracts";
import { defineHandler } from "@checkout/messaging";
import { decideReservation, mergeLines, stockKeys } from "../domain/reserve.ts";
import { holdStock, lockAvailable } from "../db/stock.ts";
import { insertReservation, lockReservation } from "../db/reservations.ts";

/** Reserves every line of a new order, all or nothing, with an atomic check-and-decrement under row locks. */
export const onOrderPlaced = ({ reservationTtlMs }: { reservationTtlMs: number }) =>
  defineHandler({
    subscribe: OrderPlaced,
    // the decision reads the stock levels: reservations of one SKU in a batch run one after the other
    sharedKeys: (event) => stockKeys(event.data.lines),
    async handle(event, { sql, now, log }) {
      const { orderId } = event.data;
      if (await lockReservation(sql, orderId)) {
        log.info("order already seen by inventory (cancelled before it was placed, or a copy of the event); nothing to reserve");
        return [];
      }
      const lines = mergeLines(event.data.lines);
      const decision = decideReservation(await lockAvailable(sql, lines.map((line) => line.sku)), lines);
      const causedBy = event;
      if (!decision.ok) {
        await insertReservation(sql, { id: `rej_${randomUUID()}`, orderId, status: "rejected", lines });
        return [InventoryRejected.create(orderId, { orderId, reason: decision.reason, lines: decision.lines }, { causedBy })];
      }
      const reservationId = `res_${randomUUID()}`;
      const expiresAt = new Date(now().getTime() + reservationTtlMs);
      await Promise.all([holdStock(sql, decision.lines), insertReservation(sql, { id: reservationId, orderId, status: "held", lines: decision.lines, expiresAt })]);
      return [InventoryReserved.create(orderId, { orderId, reservationId, lines: decision.lines, expiresAt: expiresAt.toISOString() }, { causedBy })];
    },
  });
