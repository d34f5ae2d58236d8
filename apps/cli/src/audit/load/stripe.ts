import type { Intent } from "../model.ts";
import { CliError, EXIT } from "../../errors.ts";

interface SimIntent {
  id: string;
  status: string;
  amount: number;
  currency: string;
  metadata?: Record<string, string>;
  amount_captured?: number;
  amount_refunded?: number;
}

/**
 * Every PaymentIntent with its captured and refunded money, from stripe-sim's inspection API
 * (`GET /_sim/payment_intents`: all intents in one answer; pages are followed if a `has_more` ever
 * appears). Against real Stripe the same data would come from `GET /v1/payment_intents` and
 * `/v1/refunds`; only the simulator is supported today.
 */
export async function loadIntents(baseUrl: string, { timeoutMs = 15_000 } = {}): Promise<Intent[]> {
  const intents: Intent[] = [];
  let after: string | undefined;
  for (;;) {
    const url = new URL("/_sim/payment_intents", baseUrl);
    if (after) url.searchParams.set("starting_after", after);
    let body: { data?: SimIntent[]; has_more?: boolean };
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) throw new Error(`HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
      body = (await response.json()) as typeof body;
    } catch (error) {
      throw new CliError(`cannot read PaymentIntents from ${url.origin}/_sim/payment_intents (the audit reads stripe-sim's inspection API; --stripe-url / STRIPE_SIM_URL): ${(error as Error).message}`, EXIT.usage, "unreachable");
    }
    const page = body.data ?? [];
    for (const intent of page) {
      intents.push({
        id: intent.id,
        orderId: intent.metadata?.order_id ?? null,
        status: intent.status,
        amount: intent.amount,
        currency: intent.currency,
        amountCaptured: intent.amount_captured ?? 0,
        amountRefunded: intent.amount_refunded ?? 0,
      });
    }
    if (!body.has_more || page.length === 0) return intents;
    after = page.at(-1)!.id;
  }
}
