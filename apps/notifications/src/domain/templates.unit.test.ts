import { describe, expect, it } from "vitest";
import { CancelReason } from "@checkout/contracts";
import { escapeHtml, formatDate, formatMoney } from "./format.ts";
import { isWorthSending, messageIdFor } from "./mail.ts";
import { CANCEL_REASONS, cancellationMail, confirmationMail, shippedMail } from "./templates.ts";

const orderId = "0b8f4a8e-5b7c-4d7e-9f44-0c2d3e4f5a6b";

describe("money and dates as a shopper reads them", () => {
  it("formats minor units with the currency's own number of decimals", () => {
    expect(formatMoney(2400, "USD")).toBe("$24.00");
    expect(formatMoney(5, "EUR")).toBe("€0.05");
    expect(formatMoney(1234567, "USD")).toBe("$12,345.67");
    expect(formatMoney(1500, "JPY")).toBe("¥1,500");
    expect(formatMoney(1500, "KWD")).toMatch(/^KWD\s1\.500$/); // three decimals; ICU puts a no-break space after the code
  });

  it("writes the estimated delivery date as given, whatever the time zone", () => {
    expect(formatDate("2026-01-05")).toBe("Monday, January 5, 2026");
  });

  it("escapes HTML", () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
  });
});

describe("confirmation mail", () => {
  const mail = confirmationMail({ orderId, lines: [{ sku: "MUG-LOGO", qty: 2 }, { sku: "TEE-M", qty: 1 }], total: { amount: 3650, currency: "USD" } });

  it("names the order, every line and the total", () => {
    expect(mail.subject).toBe("Your order 0B8F4A8E is confirmed");
    expect(mail.text).toContain("2 × MUG-LOGO");
    expect(mail.text).toContain("1 × TEE-M");
    expect(mail.text).toContain("Total: $36.50");
    expect(mail.text).toContain(orderId);
    expect(mail.html).toContain("<li>2 × MUG-LOGO</li>");
    expect(mail.html).toContain("Total: $36.50");
  });
});

describe("cancellation mail", () => {
  it("gives every cancel reason in plain words, none left as a code", () => {
    for (const reason of CancelReason.options) {
      const mail = cancellationMail({ orderId, reason });
      expect(CANCEL_REASONS[reason]).toMatch(/^[a-z][a-z ]+$/);
      expect(mail.text).toContain(`because ${CANCEL_REASONS[reason]}.`);
      expect(mail.text).not.toContain(reason);
    }
  });

  it("says what the shopper needs to hear for the common reasons", () => {
    expect(cancellationMail({ orderId, reason: "payment_declined" }).text).toContain("your card was declined");
    expect(cancellationMail({ orderId, reason: "out_of_stock" }).text).toContain("an item in your order is out of stock");
    expect(cancellationMail({ orderId, reason: "reservation_expired" }).text).toContain("we did not receive the payment in time");
    expect(cancellationMail({ orderId, reason: "shipping_failed" }).text).toContain("we cannot deliver to your address");
    expect(cancellationMail({ orderId, reason: "customer_request" }).text).toContain("you asked us to cancel it");
  });

  it("adds the detail when there is one, escaped in the HTML", () => {
    const mail = cancellationMail({ orderId, reason: "payment_declined", detail: "insufficient_funds <bank>" });
    expect(mail.subject).toBe("Your order 0B8F4A8E was cancelled");
    expect(mail.text).toContain("Details: insufficient_funds <bank>");
    expect(mail.html).toContain("Details: insufficient_funds &lt;bank&gt;");
    expect(cancellationMail({ orderId, reason: "payment_declined" }).text).not.toContain("Details:");
  });
});

describe("shipped mail", () => {
  it("gives the carrier, the tracking number and the estimated delivery", () => {
    const mail = shippedMail({ orderId, carrier: "sim-post", trackingNumber: "SIM123456789", estimatedDelivery: "2026-01-05" });
    expect(mail.subject).toBe("Your order 0B8F4A8E has shipped");
    expect(mail.text).toContain("Carrier: sim-post");
    expect(mail.text).toContain("Tracking number: SIM123456789");
    expect(mail.text).toContain("Estimated delivery: Monday, January 5, 2026");
    expect(mail.html).toContain("<li>Tracking number: SIM123456789</li>");
  });
});

describe("which mails go out", () => {
  it("has a stable Message-ID per order and kind", () => {
    expect(messageIdFor(orderId, "confirmed")).toBe(`<${orderId}.confirmed@checkout>`);
    expect(messageIdFor(orderId, "shipped")).not.toBe(messageIdFor(orderId, "confirmed"));
  });

  it("sends each kind once, and no shipped mail after a cancellation", () => {
    expect(isWorthSending("confirmed", [])).toBe(true);
    expect(isWorthSending("confirmed", ["confirmed"])).toBe(false);
    expect(isWorthSending("shipped", ["confirmed"])).toBe(true);
    expect(isWorthSending("shipped", ["confirmed", "cancelled"])).toBe(false);
    expect(isWorthSending("cancelled", ["confirmed", "shipped"])).toBe(true);
  });
});
