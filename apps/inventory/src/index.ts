export { startInventory, INVENTORY_MIGRATIONS } from "./service.ts";
export { InventoryConfig } from "./config.ts";
export { seedStock } from "./seed.ts";
