import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger } from "pino";
export { lazyChild } from "./lazy-child.ts";

/** The same field at the top of a log object and up to `depth` objects down (`x`, `*.x`, `*.*.x`, ...). */
const atDepth = (field: string, depth: number) => Array.from({ length: depth + 1 }, (_, level) => [...Array<string>(level).fill("*"), field].join("."));

/**
 * Fields that never reach a log line: payment methods, tokens and secrets, addresses, emails. The names
 * are those the code uses (events and HTTP bodies in camelCase, order rows in snake_case, Stripe's
 * payment_method, nodemailer's rejected recipients), at any depth a log call puts them (`event.data.x`).
 */
export const REDACTED_PATHS = [
  ...["paymentMethod", "paymentMethodId", "payment_method"].flatMap((field) => atDepth(field, 3)),
  ...["address", "shippingAddress", "shipping_address"].flatMap((field) => atDepth(field, 3)),
  ...["email", "customer_email"].flatMap((field) => atDepth(field, 3)),
  ...["authorization", "token", "accessToken", "refreshToken", "password", "secret", "cookie"].flatMap((field) => atDepth(field, 3)),
  // a mail refused by the SMTP server: nodemailer names the recipients on the error
  ...["rejected", "accepted", "envelope"].flatMap((field) => [`err.${field}`, `*.err.${field}`]),
];

export function createLogger({ service, level = "info", destination }: { service: string; level?: string; destination?: DestinationStream }): Logger {
  const options = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
