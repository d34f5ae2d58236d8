import { loadConfigOrExit } from "@checkout/config";
import { stopOnSignals } from "@checkout/messaging";
import { InventoryConfig } from "./config.ts";
import { startInventory } from "./service.ts";

const config = loadConfigOrExit(InventoryConfig);
const service = await startInventory(config);
stopOnSignals(service, config.SHUTDOWN_GRACE_MS);
