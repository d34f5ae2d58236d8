import type { MailKind } from "../domain/mail.ts";

/** One mail as a transport sends it. `messageId` is the stable `<orderId.kind@checkout>`. */
export interface Mail {
  messageId: string;
  orderId: string;
  kind: MailKind;
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
}

export interface MailTransport {
  readonly name: string;
  /** delivers the mail; resolves with the transport's own id for it (kept in outgoing_mail) */
  send(mail: Mail): Promise<{ transportMessageId: string }>;
  close?(): Promise<void>;
}

/** A refusal that no retry will change (the recipient does not exist): the mail is marked failed. */
export class PermanentMailError extends Error {
  readonly code = "mail_rejected";
  override readonly name = "PermanentMailError";
}
