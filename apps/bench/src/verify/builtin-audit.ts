import { connect } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { contractForType } from "@checkout/contracts";
import { SAGA_STREAMS } from "../observe/streams.ts";
import { finalOrders, inventoryStock, openReader } from "./orders-db.ts";
import { oversoldUnits, unitsBySku } from "./sold.ts";
import type { AuditCheck } from "./audit.ts";

export interface AuditContext {
  urls: { nats: string; orders: string; inventory: string; payments: string; shipping: string; notifications: string; stripe: string };
  /** units on hand per SKU when the run started */
  stock: Record<string, number>;
  /** the order ids the shop accepted (202) */
  accepted: string[];
}

interface Intent {
  id: string;
  status: string;
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  metadata: Record<string, string>;
}

const check = (name: string, failures: string[], okDetail: string): AuditCheck => ({
  name,
  ok: failures.length === 0,
  detail: failures.length === 0 ? okDetail : `${failures.length} violation(s), e.g. ${failures.slice(0, 3).join("; ")}`,
});

/** Reads every message of the saga streams and parses it against contracts/: the number that do not parse. */
async function unparsable(natsUrl: string): Promise<{ read: number; failures: string[] }> {
  const nc = await connect({ servers: natsUrl, name: "bench-audit" });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const failures: string[] = [];
  let read = 0;
  try {
    for (const stream of SAGA_STREAMS) {
      const { state } = await jsm.streams.info(stream);
      if (state.messages === 0) continue;
      const consumer = await js.consumers.get(stream);
      const messages = await consumer.consume({ max_messages: 4_096 });
      for await (const msg of messages) {
        read++;
        try {
          const raw = msg.json<{ type: string }>();
          const contract = contractForType(raw.type);
          if (!contract) throw new Error(`unknown type ${raw.type}`);
          contract.parse(raw);
        } catch (error) {
          failures.push(`${stream} #${msg.seq}: ${(error as Error).message.slice(0, 120)}`);
        }
        if (msg.seq >= state.last_seq) break;
      }
      await messages.close();
    }
  } finally {
    await nc.close();
  }
  return { read, failures };
}

/**
 * The bench's own checks of ARCHITECTURE §6, for as long as `checkout audit` does not exist: every
 * accepted order finished; no SKU oversold and stock adding up; reservations matching held stock;
 * COMPLETED captured once for its total; CANCELLED holding no money and no stock; one PaymentIntent per
 * order; each mail once; the DLQ empty is checked by the caller; every message parses.
 */
export async function builtinAudit({ urls, stock, accepted }: AuditContext): Promise<AuditCheck[]> {
  const ordersDb = openReader(urls.orders);
  const inventoryDb = openReader(urls.inventory);
  const notificationsDb = openReader(urls.notifications);
  try {
    const orders = await finalOrders(ordersDb);
    const completed = [...orders.values()].filter((o) => o.status === "COMPLETED");
    const cancelled = [...orders.values()].filter((o) => o.status === "CANCELLED");
    const checks: AuditCheck[] = [];

    const notFinished = accepted.filter((id) => !["COMPLETED", "CANCELLED"].includes(orders.get(id)?.status ?? "missing")).map((id) => `${id} is ${orders.get(id)?.status ?? "missing"}`);
    checks.push(check("every accepted order is COMPLETED or CANCELLED", notFinished, `${accepted.length} orders`));

    const sold = unitsBySku(completed);
    const over = oversoldUnits(stock, sold);
    checks.push(check("no SKU sold more than it had", Object.entries(over.bySku).map(([sku, n]) => `${sku} oversold by ${n}`), `sold ${JSON.stringify(sold)}`));

    const levels = await inventoryStock(inventoryDb);
    const held = await inventoryDb<Array<{ sku: string; qty: number }>>`
      SELECT line->>'sku' AS sku, sum((line->>'qty')::int)::int AS qty FROM reservations, jsonb_array_elements(lines) AS line WHERE status = 'held' GROUP BY 1`;
    const heldBySku = Object.fromEntries(held.map((r) => [r.sku, r.qty]));
    const stockProblems: string[] = [];
    for (const [sku, initial] of Object.entries(stock)) {
      const level = levels[sku];
      if (!level) stockProblems.push(`${sku} unknown to inventory`);
      else {
        if (level.onHand !== initial - (sold[sku] ?? 0)) stockProblems.push(`${sku} on hand ${level.onHand}, expected ${initial} - ${sold[sku] ?? 0} sold`);
        if (level.reserved !== (heldBySku[sku] ?? 0)) stockProblems.push(`${sku} reserved ${level.reserved} but live reservations hold ${heldBySku[sku] ?? 0}`);
      }
    }
    checks.push(check("stock adds up (on hand = set - sold; reserved = live reservations)", stockProblems, `${Object.keys(stock).length} SKUs`));

    const cancelledHolding = await inventoryDb<Array<{ order_id: string; status: string }>>`
      SELECT order_id, status FROM reservations WHERE status IN ('held', 'committed') AND order_id = ANY(${cancelled.map((o) => o.id)}::uuid[])`;
    checks.push(check("a CANCELLED order holds no stock", cancelledHolding.map((r) => `${r.order_id} reservation ${r.status}`), `${cancelled.length} cancelled`));

    const { data: intents } = (await (await fetch(`${urls.stripe}/_sim/payment_intents`)).json()) as { data: Intent[] };
    const byOrder = new Map<string, Intent[]>();
    for (const intent of intents) {
      const orderId = intent.metadata.order_id;
      if (orderId) byOrder.set(orderId, [...(byOrder.get(orderId) ?? []), intent]);
    }
    checks.push(check("no PaymentIntent created twice for one order", [...byOrder].filter(([, list]) => list.length > 1).map(([id, list]) => `${id} has ${list.length}`), `${intents.length} intents`));
    const captureProblems = completed.flatMap((order) => {
      const list = byOrder.get(order.id) ?? [];
      const captured = list.reduce((sum, i) => sum + i.amount_captured - i.amount_refunded, 0);
      return captured === order.total && list.filter((i) => i.amount_captured > 0).length === 1 ? [] : [`${order.id} captured ${captured} of ${order.total}`];
    });
    checks.push(check("a COMPLETED order was captured once, for its total", captureProblems, `${completed.length} completed`));
    const moneyHeld = cancelled.flatMap((order) =>
      (byOrder.get(order.id) ?? []).filter((i) => i.status === "requires_capture" || i.amount_captured - i.amount_refunded !== 0).map((i) => `${order.id} ${i.id} ${i.status}`),
    );
    checks.push(check("a CANCELLED order holds no money", moneyHeld, `${cancelled.length} cancelled`));

    const twice = await notificationsDb<Array<{ order_id: string; kind: string; n: number }>>`
      SELECT order_id, kind, count(*)::int AS n FROM mailbox GROUP BY order_id, kind HAVING count(*) > 1`;
    const [pending] = await notificationsDb<Array<{ n: number }>>`SELECT count(*)::int AS n FROM outgoing_mail WHERE status <> 'sent'`;
    checks.push(check("each notification went out once", twice.map((r) => `${r.order_id} ${r.kind} × ${r.n}`), `${pending!.n} mail(s) not sent yet`));

    const parsed = await unparsable(urls.nats);
    checks.push(check("every message in the streams parses against contracts/", parsed.failures, `${parsed.read} messages`));
    return checks;
  } finally {
    await Promise.all([ordersDb.end(), inventoryDb.end(), notificationsDb.end()]);
  }
}
