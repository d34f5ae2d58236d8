import { loadConfigOrExit } from "@checkout/config";
import { stopOnSignals } from "@checkout/messaging";
import { PaymentsConfig } from "./config.ts";
import { startPayments } from "./service.ts";

const config = loadConfigOrExit(PaymentsConfig);
const service = await startPayments(config);
stopOnSignals(service, config.SHUTDOWN_GRACE_MS);
