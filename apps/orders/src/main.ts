import { loadConfigOrExit } from "@checkout/config";
import { stopOnSignals } from "@checkout/messaging";
import { OrdersConfig } from "./config.ts";
import { startOrders } from "./service.ts";

const config = loadConfigOrExit(OrdersConfig);
const service = await startOrders(config);
stopOnSignals(service, config.SHUTDOWN_GRACE_MS);
