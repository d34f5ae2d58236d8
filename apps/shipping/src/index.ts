export { startShipping, SHIPPING_MIGRATIONS } from "./service.ts";
export { ShippingConfig } from "./config.ts";
export type { Carrier, CarrierRefusal, CarrierShipment, ShipmentRequest } from "./carrier/carrier.ts";
export { createSimulatedCarrier } from "./carrier/simulated-carrier.ts";
