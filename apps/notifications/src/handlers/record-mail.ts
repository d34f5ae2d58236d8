import type { AnyEvent, HandlerContext } from "@checkout/messaging";
import { isWorthSending, messageIdFor, type MailKind, type RenderedMail } from "../domain/mail.ts";
import { enqueueMail, lockOrder, recordedKinds } from "../db/outgoing-mail.ts";

/**
 * What every notification handler does: records the mail in `outgoing_mail`, in the handler's
 * transaction, for the mail worker to send. It never sends (a send cannot be rolled back with the
 * transaction) and returns no events. A mail already recorded for this order and kind is not recorded
 * again, whichever event id the copy carries.
 */
export async function recordMail(
  cause: AnyEvent,
  { orderId, kind, to, render }: { orderId: string; kind: MailKind; to: string; render: () => RenderedMail },
  { sql, log, later }: HandlerContext,
): Promise<AnyEvent[]> {
  // one round trip: PostgreSQL takes the lock, then reads
  const [, recorded] = await Promise.all([lockOrder(sql, orderId), recordedKinds(sql, orderId)]);
  if (!isWorthSending(kind, recorded)) {
    log.info({ kind, recorded }, recorded.includes(kind) ? "mail already recorded for this order; not again" : "mail no longer relevant; not sent");
    return [];
  }
  later(enqueueMail(sql, { orderId, kind, messageId: messageIdFor(orderId, kind), eventId: cause.id, to, ...render() }));
  log.debug({ kind }, "mail recorded");
  return [];
}
