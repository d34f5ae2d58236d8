import { loadConfigOrExit } from "@checkout/config";
import { stopOnSignals } from "@checkout/messaging";
import { NotificationsConfig } from "./config.ts";
import { startNotifications } from "./service.ts";

const config = loadConfigOrExit(NotificationsConfig);
const service = await startNotifications(config);
stopOnSignals(service, config.SHUTDOWN_GRACE_MS);
