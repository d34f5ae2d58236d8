export { startNotifications, NOTIFICATIONS_MIGRATIONS, type NotificationsOptions } from "./service.ts";
export { NotificationsConfig } from "./config.ts";
export type { Mail, MailTransport } from "./transport/transport.ts";
