/** The mails a shopper can get about one order; each is sent at most once per order. */
export const MAIL_KINDS = ["confirmed", "cancelled", "shipped"] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/** What a template produces: the body of one mail, without sender or headers. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/**
 * The Message-ID of an order's mail of one kind. It is the same on every attempt, so the mailbox
 * transport stores a mail once whatever happens, and a receiving system that deduplicates by
 * Message-ID hides an SMTP resend (see worker/mail-worker.ts).
 */
export const messageIdFor = (orderId: string, kind: MailKind) => `<${orderId}.${kind}@checkout>`;

/**
 * A shipped mail that would arrive after the order was cancelled would tell the shopper the opposite of
 * the truth: when the cancellation is already recorded, the shipped mail is not sent.
 */
export function isWorthSending(kind: MailKind, alreadyRecorded: readonly MailKind[]): boolean {
  if (alreadyRecorded.includes(kind)) return false;
  if (kind === "shipped" && alreadyRecorded.includes("cancelled")) return false;
  return true;
}
