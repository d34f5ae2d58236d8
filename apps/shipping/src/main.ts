import { loadConfigOrExit } from "@checkout/config";
import { stopOnSignals } from "@checkout/messaging";
import { ShippingConfig } from "./config.ts";
import { startShipping } from "./service.ts";

const config = loadConfigOrExit(ShippingConfig);
const service = await startShipping(config);
stopOnSignals(service, config.SHUTDOWN_GRACE_MS);
