import type { Address } from "@checkout/contracts";

/** What shipping asks a carrier for: one parcel per order. */
export interface ShipmentRequest {
  orderId: string;
  address: Address;
  lines: ReadonlyArray<{ sku: string; qty: number }>;
}

/** A label the carrier issued. */
export interface CarrierShipment {
  shipmentId: string;
  carrier: string;
  trackingNumber: string;
  /** ISO date (YYYY-MM-DD) */
  estimatedDelivery: string;
}

export type RefusalReason = "address_not_served" | "carrier_error";

/** The carrier said no: a final answer for this order, published as ShipmentFailed. */
export interface CarrierRefusal {
  refused: RefusalReason;
  detail: string;
}

/**
 * The port to a carrier. `createShipment` must be idempotent per order id (a retried call after a crash
 * returns the same label); `cancelShipment` must be idempotent per shipment id. A thrown error is
 * transient: the router retries the message with backoff, then dead-letters it.
 */
export interface Carrier {
  readonly name: string;
  createShipment(request: ShipmentRequest): Promise<CarrierShipment | CarrierRefusal>;
  cancelShipment(shipmentId: string): Promise<void>;
}

export const isRefusal = (outcome: CarrierShipment | CarrierRefusal): outcome is CarrierRefusal => "refused" in outcome;
