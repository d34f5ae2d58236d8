import type { EventContract } from "./define-event.ts";
import { typeName } from "./define-event.ts";

const address = { name: "Ada Lovelace", line1: "1 Main St", city: "Portland", postalCode: "97201", region: "US-OR", country: "US" };
const customer = { email: "ada@example.com" };
const lines = [{ sku: "MUG-LOGO", qty: 2 }];
const money = { amount: 2400, currency: "USD" };
const at = "2026-01-01T12:00:00.000Z";

/** A valid `data` for the current version of each event: for contract tests and documentation. */
const current: Record<string, (orderId: string) => unknown> = {
  OrderPlaced: (orderId) => ({
    orderId,
    customer,
    lines: [{ sku: "MUG-LOGO", name: "Logo mug", qty: 2, unitPrice: 1200, lineTotal: 2400 }],
    pricing: { currency: "USD", subtotal: 2400, discount: 0, tax: 0, shipping: 0, total: 2400 },
    paymentMethod: "pm_card_visa",
    shippingAddress: address,
    placedAt: at,
  }),
  OrderConfirmed: (orderId) => ({ orderId, customer, lines, total: money, shippingAddress: address, paymentIntentId: "pi_sample", reservationId: "res_sample" }),
  OrderCancelled: (orderId) => ({ orderId, reason: "payment_declined", detail: "generic_decline", customer, paymentIntentId: "pi_sample", reservationId: "res_sample" }),
  OrderRefused: (orderId) => ({ orderId, reason: "out_of_stock", detail: "MUG-LOGO: sold out (refused at checkout)", soldOut: ["MUG-LOGO"], customer }),
  OrderCompleted: (orderId) => ({ orderId, total: money, paymentIntentId: "pi_sample" }),
  InventoryReserved: (orderId) => ({ orderId, reservationId: "res_sample", lines, expiresAt: at }),
  InventoryRejected: (orderId) => ({ orderId, reason: "out_of_stock", lines: [{ sku: "MUG-LOGO", requested: 2, available: 1, problem: "out_of_stock" }] }),
  InventoryCommitted: (orderId) => ({ orderId, reservationId: "res_sample", lines }),
  InventoryReleased: (orderId) => ({ orderId, reservationId: "res_sample", lines, reason: "payment_failed", from: "reserved" }),
  PaymentAuthorized: (orderId) => ({ orderId, paymentIntentId: "pi_sample", amount: money }),
  PaymentFailed: (orderId) => ({ orderId, reason: "declined", declineCode: "generic_decline", message: "Your card was declined." }),
  PaymentCaptured: (orderId) => ({ orderId, paymentIntentId: "pi_sample", amount: money }),
  PaymentVoided: (orderId) => ({ orderId, paymentIntentId: "pi_sample", amount: money, reason: "order_cancelled" }),
  PaymentRefunded: (orderId) => ({ orderId, paymentIntentId: "pi_sample", refundId: "re_sample", amount: money }),
  ShipmentCreated: (orderId) => ({ orderId, shipmentId: "shp_sample", carrier: "sim-post", trackingNumber: "SIM123456789", estimatedDelivery: "2026-01-05", customer }),
  ShipmentFailed: (orderId) => ({ orderId, reason: "address_not_served", detail: "no delivery to AQ" }),
  ShipmentCancelled: (orderId) => ({ orderId, shipmentId: "shp_sample" }),
};

/**
 * One envelope per version a consumer of `contract` accepts, each with a field and an attribute that no
 * version defines (consumers must ignore what they do not know).
 */
export function sampleEnvelopes(contract: EventContract, orderId: string): Array<Record<string, unknown>> {
  const make = current[contract.name];
  if (!make) throw new Error(`no sample for ${contract.name}: add one to contracts/src/samples.ts`);
  const versions = [
    { type: contract.type, data: make(orderId) },
    ...contract.older.map((old) => {
      if (old.sample === undefined) throw new Error(`${contract.name} v${old.version} has no sample`);
      return { type: typeName(contract.name, old.version), data: (old.sample as (id: string) => unknown)(orderId) };
    }),
  ];
  return versions.map(({ type, data }) => ({
    specversion: "1.0",
    id: `sample-${type}-${orderId}`,
    source: `/checkout/${contract.stream.toLowerCase()}`,
    type,
    time: at,
    subject: orderId,
    datacontenttype: "application/json",
    futureattribute: "ignored",
    data: { ...(data as object), aFieldFromTheFuture: { nested: true } },
  }));
}
