import { OrderCancelled, ShipmentCancelled, wasNeverPlaced } from "@checkout/contracts";
import { defineHandler } from "@checkout/messaging";
import type { Carrier } from "../carrier/carrier.ts";
import { findShipment, insertTombstone, lockOrder, markCancelled } from "../db/shipments.ts";

/**
 * A cancelled order's label is voided with the carrier. An order shipping has not seen yet gets a
 * `cancelled` tombstone, so that its OrderConfirmed, if it arrives later, ships nothing (events from
 * different streams arrive in any order). A refused or already cancelled shipment has nothing to undo.
 */
export const onOrderCancelled = ({ carrier }: { carrier: Carrier }) =>
  defineHandler({
    subscribe: OrderCancelled,
    // refused at checkout, as orders said it before OrderRefused (ADR 0010): nothing of it here, and no
    // OrderPlaced to guard against with a tombstone
    ignores: wasNeverPlaced,
    async handle(event, { sql, log, later }) {
      const { orderId } = event.data;
      // one round trip: the order's lock, then its shipment (PostgreSQL runs them in this order)
      const [, shipment] = await Promise.all([lockOrder(sql, orderId), findShipment(sql, orderId)]);
      if (!shipment) {
        later(insertTombstone(sql, orderId));
        log.info("cancellation before confirmation: tombstone recorded");
        return [];
      }
      if (shipment.status !== "created" || !shipment.shipmentId) return [];
      // external call inside the transaction: see on-order-confirmed.ts; cancelShipment is idempotent
      await carrier.cancelShipment(shipment.shipmentId);
      later(markCancelled(sql, orderId));
      return [ShipmentCancelled.create(orderId, { orderId, shipmentId: shipment.shipmentId }, { causedBy: event })];
    },
  });
