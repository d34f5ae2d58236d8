import { plural, result, type CheckResult } from "../check.ts";
import { inFlight, type AuditOrder, type MailboxCount, type OutgoingMail } from "../model.ts";

/** The mails each finished order must have had sent, and those it must never get. */
const DUE: Record<string, { must: string[]; never: string[] }> = {
  COMPLETED: { must: ["confirmed", "shipped"], never: ["cancelled"] },
  // a CANCELLED order may have had `confirmed` and even `shipped` (a hold expired after shipping): not listed
  CANCELLED: { must: ["cancelled"], never: [] },
};
/** refused at checkout: the 202 told the shopper, so no mail is due (a mail sent anyway is no harm) */
const NONE_DUE = { must: [], never: [] };

/**
 * 5. Each notification went out once: at most one mail per (order, kind) in outgoing_mail and in the
 * mailbox; a COMPLETED order got `confirmed` and `shipped` (sent) and never `cancelled`; a CANCELLED
 * order got `cancelled` (sent), unless checkout refused it. Orders in flight are left out.
 */
export function checkMails(mails: OutgoingMail[], mailbox: MailboxCount[], orders: AuditOrder[], settleSeconds: number): CheckResult {
  const violations: string[] = [];
  const byOrder = new Map<string, Map<string, OutgoingMail[]>>();
  for (const mail of mails) {
    const kinds = byOrder.get(mail.orderId) ?? new Map<string, OutgoingMail[]>();
    kinds.set(mail.kind, [...(kinds.get(mail.kind) ?? []), mail]);
    byOrder.set(mail.orderId, kinds);
  }
  for (const [orderId, kinds] of byOrder) {
    for (const [kind, list] of kinds) if (list.length > 1) violations.push(`order ${orderId}: ${list.length} ${kind} mails in outgoing_mail`);
  }
  for (const box of mailbox) if (box.count > 1) violations.push(`order ${box.orderId}: ${box.count} ${box.kind} mails delivered to the mailbox`);

  for (const order of orders) {
    const due = order.neverPlaced && order.status === "CANCELLED" ? NONE_DUE : DUE[order.status];
    if (!due || inFlight(order, settleSeconds)) continue;
    const kinds = byOrder.get(order.id);
    for (const kind of due.must) {
      const mail = kinds?.get(kind)?.[0];
      if (!mail) violations.push(`order ${order.id} is ${order.status} but no ${kind} mail was recorded`);
      else if (mail.status !== "sent") violations.push(`order ${order.id} is ${order.status} but its ${kind} mail is ${mail.status}, not sent`);
    }
    for (const kind of due.never) if (kinds?.has(kind)) violations.push(`order ${order.id} is ${order.status} but got a ${kind} mail`);
  }

  const delivered = mailbox.reduce((sum, box) => sum + box.count, 0);
  return result(
    5,
    "mails",
    "each mail at most once; COMPLETED got confirmed and shipped, CANCELLED got cancelled (unless refused at checkout)",
    `${plural(mails.length, "outgoing mail")}, ${plural(delivered, "mailbox delivery", "mailbox deliveries")}`,
    violations,
  );
}
