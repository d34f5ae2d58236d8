import { OrderConfirmed, ShipmentCreated, ShipmentFailed } from "@checkout/contracts";
import { defineHandler } from "@checkout/messaging";
import { isRefusal, type Carrier } from "../carrier/carrier.ts";
import { findShipment, insertCreated, insertFailed, lockOrder } from "../db/shipments.ts";

/**
 * A confirmed order gets one shipment. An order shipping already knows (shipped, refused, or cancelled
 * before it was confirmed) gets nothing more, so copies and late arrivals change nothing.
 */
export const onOrderConfirmed = ({ carrier }: { carrier: Carrier }) =>
  defineHandler({
    subscribe: OrderConfirmed,
    async handle(event, { sql, log, later }) {
      const { orderId, customer, shippingAddress: address, lines } = event.data;
      // one round trip: the order's lock, then its shipment (PostgreSQL runs them in this order)
      const [, known] = await Promise.all([lockOrder(sql, orderId), findShipment(sql, orderId)]);
      if (known) {
        log.info({ status: known.status }, "order already known to shipping; nothing to create");
        return [];
      }
      // An external call inside the handler's transaction (and the order's lock). Acceptable because the
      // carrier is a local simulator with a short, bounded latency and because createShipment is
      // idempotent per order: if the commit is lost, the retry gets the same label. A remote carrier
      // would need the call moved out (request recorded here, label fetched by a worker).
      const outcome = await carrier.createShipment({ orderId, address, lines });
      const causedBy = event;
      if (isRefusal(outcome)) {
        later(insertFailed(sql, orderId, address, { reason: outcome.refused, detail: outcome.detail }));
        log.warn({ reason: outcome.refused, detail: outcome.detail }, "carrier refused the shipment");
        return [ShipmentFailed.create(orderId, { orderId, reason: outcome.refused, detail: outcome.detail }, { causedBy })];
      }
      later(insertCreated(sql, orderId, address, outcome));
      return [ShipmentCreated.create(orderId, { orderId, ...outcome, customer }, { causedBy })];
    },
  });
