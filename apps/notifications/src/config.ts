import { baseConfig, config } from "@checkout/config";
import { readCaFile } from "./transport/ca.ts";

const { z } = config;

export const NotificationsConfig = baseConfig
  .extend({
    PORT: config.port(3004),
    DATABASE_URL: z.string().default("postgres://postgres@127.0.0.1:5432/checkout_notifications"),
    /** `mailbox`: mails land in the `mailbox` table (GET /api/mailbox); `smtp`: sent through SMTP_URL */
    MAIL_TRANSPORT: z.enum(["mailbox", "smtp"]).default("mailbox"),
    /** smtp://user:pass@host:587 or smtps://…:465; required when MAIL_TRANSPORT=smtp */
    SMTP_URL: z.url({ protocol: /^smtps?$/, error: "must be an smtp:// or smtps:// URL" }).optional(),
    /** a PEM file of the CA (or CAs) that signed the SMTP server's certificate, trusted besides Node's: read and checked here, once */
    SMTP_CA_FILE: z
      .string()
      .min(1)
      .transform((path, context) => {
        try {
          return { path, pem: readCaFile(path) };
        } catch (error) {
          context.addIssue({ code: "custom", message: (error as Error).message });
          return z.NEVER;
        }
      })
      .optional(),
    MAIL_FROM: z.string().min(3).default("Checkout <orders@checkout.local>"),
  })
  .superRefine((value, context) => {
    if (value.MAIL_TRANSPORT === "smtp" && !value.SMTP_URL) {
      context.addIssue({ code: "custom", path: ["SMTP_URL"], message: "required when MAIL_TRANSPORT=smtp" });
    }
  });
export type NotificationsConfig = ReturnType<typeof NotificationsConfig.parse>;
