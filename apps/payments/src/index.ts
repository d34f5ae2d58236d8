export { startPayments, PAYMENTS_MIGRATIONS } from "./service.ts";
export { PaymentsConfig } from "./config.ts";
