import type { KV } from "@nats-io/kv";
import { InventoryCommitted, InventoryReleased, InventoryReserved, type EventContract } from "@checkout/contracts";
import { defineHandler, type Handler } from "@checkout/messaging";
import { findReservation } from "../db/reservations.ts";

/**
 * Keeps the KV bucket `reservations` equal to the live holds (`nats kv ls reservations`). PostgreSQL is
 * the source of truth: each of inventory's own facts only says "look at this order again", and the
 * bucket gets the order's current state. So facts handled out of order or twice leave it right.
 */
export const projectHolds = (bucket: KV): Handler[] =>
  [InventoryReserved, InventoryCommitted, InventoryReleased].map((subscribe: EventContract<string, any>) =>
    defineHandler({
      subscribe,
      async handle(event, { sql }) {
        const orderId = event.subject;
        const reservation = await findReservation(sql, orderId);
        if (reservation?.status === "held") {
          await bucket.put(orderId, JSON.stringify({ reservationId: reservation.id, lines: reservation.lines, expiresAt: reservation.expiresAt }));
        } else {
          await bucket.delete(orderId);
        }
        return [];
      },
    }),
  );
