import { ADDRESS, type shopper } from "@checkout/testing";
import { randomUUID } from "node:crypto";
import { epochNow } from "../clock.ts";
import type { PlannedOrder } from "../plan/plan.ts";

type Shop = ReturnType<typeof shopper>;

const UNSERVED_ADDRESS = { ...ADDRESS, city: "Reykjavik", region: "IS", country: "IS" };
const DECLINED_CARD = "pm_card_chargeDeclined";

/** What happened to each planned order on the client side, indexed like the plan. */
export function createLedger(size: number) {
  return {
    /** when the request was due (open loop) or sent (closed loop), epoch ms */
    scheduledAt: new Float64Array(size).fill(Number.NaN),
    /** when the answer came, epoch ms */
    answeredAt: new Float64Array(size).fill(Number.NaN),
    /** HTTP status of POST /api/checkout; 0 = no answer (network error) */
    status: new Int16Array(size).fill(-1),
    /** the `reason` of a final 503 (the problem's extension member: queue_full, waited_out, gone, backlog) */
    refusalReason: new Array<string | undefined>(size),
    orderId: new Array<string | undefined>(size),
    /** mixed: the status of POST /api/orders/:id/cancel (202 accepted, 409 too late) */
    cancelStatus: new Int16Array(size).fill(-1),
    /** a few refusals, to show what went wrong */
    errors: [] as Array<{ status: number; body: string }>,
    /** requests without an answer, by cause (fetch failed: UND_ERR_CONNECT_TIMEOUT, ECONNRESET, ...) */
    networkErrors: {} as Record<string, number>,
    /** cancellations under way (they do not hold an in-flight slot of the load generator) */
    cancels: [] as Array<Promise<void>>,
    /** 503 answers that were followed by another press (--retries) */
    retried: 0,
    sent: 0,
    answered: 0,
    accepted: 0,
  };
}
export type Ledger = ReturnType<typeof createLedger>;

/**
 * Places one planned order through the shopper client (which owns authentication): POST /api/checkout
 * with the pre-created cart (pressed again after a 503's Retry-After, up to `retries` times), and for a
 * planned cancellation, POST /api/orders/:id/cancel later.
 */
export async function checkoutOne(shop: Shop, ledger: Ledger, index: number, order: PlannedOrder, cartId: string, scheduledAt: number, retries = 0): Promise<void> {
  ledger.scheduledAt[index] = scheduledAt;
  ledger.sent++;
  const key = randomUUID();
  let status = 0;
  let reason: string | undefined;
  for (let attempt = 0; ; attempt++) {
    let retryAfterS: number | undefined;
    reason = undefined;
    try {
      const response = await shop.checkout(cartId, {
        key,
        paymentMethod: order.intent === "decline" ? DECLINED_CARD : "pm_card_visa",
        address: order.intent === "unserved" ? UNSERVED_ADDRESS : ADDRESS,
      });
      status = response.status;
      if (status === 202) ledger.orderId[index] = ((await response.json()) as { orderId: string }).orderId;
      else {
        const body = await response.text();
        if (status === 503) {
          retryAfterS = retryAfterSeconds(response.headers.get("retry-after"));
          reason = reasonOf(body);
        }
        if (ledger.errors.length < 20) ledger.errors.push({ status, body: body.slice(0, 300) });
      }
    } catch (error) {
      status = 0;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const detail = `${(error as Error).message ?? error}${cause ? `: ${cause.code ?? cause.message}` : ""}`;
      ledger.networkErrors[detail] = (ledger.networkErrors[detail] ?? 0) + 1;
      if (ledger.errors.length < 20) ledger.errors.push({ status: 0, body: detail.slice(0, 300) });
    }
    if (retryAfterS === undefined || attempt >= retries) break;
    // as a shopper's client would: after Retry-After, spread over up to as long again so the crowd
    // that was refused together does not come back together
    ledger.retried++;
    await new Promise((resolve) => setTimeout(resolve, retryAfterS * 1_000 * (1 + Math.random())));
  }
  ledger.answeredAt[index] = epochNow();
  ledger.status[index] = status;
  ledger.refusalReason[index] = reason;
  ledger.answered++;
  if (status !== 202) return;
  ledger.accepted++;
  if (order.intent === "cancel") ledger.cancels.push(cancelLater(shop, ledger, index, order.cancelAfterMs));
}

/** The `reason` member of a problem+json body, if it has one */
function reasonOf(body: string): string | undefined {
  try {
    const reason = (JSON.parse(body) as { reason?: unknown }).reason;
    return typeof reason === "string" ? reason : undefined;
  } catch {
    return undefined;
  }
}

/** Retry-After in seconds (the HTTP-date form is not used by the shop); 1 when absent or unreadable */
function retryAfterSeconds(header: string | null): number {
  const seconds = header === null ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : 1;
}

async function cancelLater(shop: Shop, ledger: Ledger, index: number, afterMs: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, afterMs));
  const response = await shop.cancel(ledger.orderId[index]!).catch(() => undefined);
  ledger.cancelStatus[index] = response?.status ?? 0;
}
