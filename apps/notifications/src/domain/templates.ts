import type { CancelReason } from "@checkout/contracts";
import { escapeHtml, formatDate, formatMoney, orderReference } from "./format.ts";
import type { RenderedMail } from "./mail.ts";

/** Why an order was cancelled, in the words a shopper understands. Every CancelReason has one. */
export const CANCEL_REASONS: Record<CancelReason, string> = {
  out_of_stock: "an item in your order is out of stock",
  unknown_sku: "an item in your order is no longer sold",
  payment_declined: "your card was declined",
  payment_failed: "we could not take the payment",
  reservation_expired: "we did not receive the payment in time",
  shipping_failed: "we cannot deliver to your address",
  customer_request: "you asked us to cancel it",
};

export interface ConfirmationInput {
  orderId: string;
  lines: Array<{ sku: string; qty: number }>;
  total: { amount: number; currency: string };
}

export interface CancellationInput {
  orderId: string;
  reason: CancelReason;
  detail?: string | undefined;
}

export interface ShippedInput {
  orderId: string;
  carrier: string;
  trackingNumber: string;
  estimatedDelivery: string;
}

const SIGNATURE = "Thank you for shopping with us.\n— Checkout";

/** The same paragraphs as plain text and as minimal HTML (every value escaped). */
function render(subject: string, paragraphs: Array<string | string[]>): RenderedMail {
  const text = [...paragraphs.map((p) => (Array.isArray(p) ? p.map((item) => `  - ${item}`).join("\n") : p)), SIGNATURE].join("\n\n");
  const body = paragraphs
    .map((p) => (Array.isArray(p) ? `<ul>${p.map((item) => `<li>${escapeHtml(item)}</li>`).join("")}</ul>` : `<p>${escapeHtml(p)}</p>`))
    .join("\n");
  const html = `<!doctype html>\n<html><body>\n${body}\n<p>${escapeHtml(SIGNATURE).replace("\n", "<br>")}</p>\n</body></html>\n`;
  return { subject, text: `${text}\n`, html };
}

export function confirmationMail({ orderId, lines, total }: ConfirmationInput): RenderedMail {
  const ref = orderReference(orderId);
  return render(`Your order ${ref} is confirmed`, [
    "Hello,",
    `we have received the payment for your order ${ref} and are getting it ready.`,
    lines.map((line) => `${line.qty} × ${line.sku}`),
    `Total: ${formatMoney(total.amount, total.currency)}`,
    `Order id: ${orderId}`,
  ]);
}

export function cancellationMail({ orderId, reason, detail }: CancellationInput): RenderedMail {
  const ref = orderReference(orderId);
  return render(`Your order ${ref} was cancelled`, [
    "Hello,",
    `we are sorry: your order ${ref} was cancelled because ${CANCEL_REASONS[reason]}.`,
    ...(detail ? [`Details: ${detail}`] : []),
    "You will not pay for this order: any amount held on your card is released, and anything already taken is refunded.",
    `Order id: ${orderId}`,
  ]);
}

export function shippedMail({ orderId, carrier, trackingNumber, estimatedDelivery }: ShippedInput): RenderedMail {
  const ref = orderReference(orderId);
  return render(`Your order ${ref} has shipped`, [
    "Hello,",
    `your order ${ref} is on its way.`,
    [`Carrier: ${carrier}`, `Tracking number: ${trackingNumber}`, `Estimated delivery: ${formatDate(estimatedDelivery)}`],
    `Order id: ${orderId}`,
  ]);
}
