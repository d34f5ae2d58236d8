import { MESSAGING_MIGRATIONS, runService, type AnyEvent, type RunningService } from "@checkout/messaging";
import type { Logger } from "@checkout/log";
import type { NotificationsConfig } from "./config.ts";
import { notificationHandlers } from "./handlers/index.ts";
import { notificationRoutes } from "./http/app.ts";
import { mailboxTransport } from "./transport/mailbox.ts";
import { smtpTransport } from "./transport/smtp.ts";
import type { MailTransport } from "./transport/transport.ts";
import { startMailWorker } from "./worker/mail-worker.ts";

export const NOTIFICATIONS_MIGRATIONS = new URL("./db/migrations", import.meta.url).pathname;

export interface NotificationsOptions {
  log?: Logger;
  beforeAck?: (event: AnyEvent) => boolean;
  ackWaitMs?: number;
  /** wraps or replaces the transport MAIL_TRANSPORT names (tests inject failures and count sends) */
  transport?: (configured: MailTransport) => MailTransport;
  /** mail worker tuning (tests shorten the backoff) */
  mailWorker?: { pollMs?: number; leaseMs?: number; retryBaseMs?: number; retryMaxMs?: number; maxAttempts?: number; batchSize?: number };
}

export async function startNotifications(
  config: NotificationsConfig,
  { transport: wrap = (configured) => configured, mailWorker = {}, ...options }: NotificationsOptions = {},
): Promise<RunningService> {
  // built first, so that an SMTP transport that cannot work stops the start before anything runs
  const smtp = config.MAIL_TRANSPORT === "smtp" ? await smtpTransport({ url: config.SMTP_URL!, ca: config.SMTP_CA_FILE?.pem }) : undefined;
  return runService({
    name: "notifications",
    config,
    migrations: [MESSAGING_MIGRATIONS, NOTIFICATIONS_MIGRATIONS],
    handlers: notificationHandlers,
    routes: ({ sql }) => notificationRoutes({ sql }),
    workers: [({ sql, log }) => startMailWorker({ sql, log, transport: wrap(smtp ?? mailboxTransport(sql)), from: config.MAIL_FROM, ...mailWorker })],
    ...options,
  });
}
