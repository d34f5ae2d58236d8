export { startOrders, ORDERS_MIGRATIONS } from "./service.ts";
export { OrdersConfig } from "./config.ts";
export { seedCatalog } from "./seed/catalog.ts";
