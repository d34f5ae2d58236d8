import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { sleep, epochNow } from "../clock.ts";
import { SAGA_STREAMS } from "./streams.ts";
import type { Ledger } from "../system/checkout.ts";
import type { OutcomeWatch } from "./outcomes.ts";
import { unfinishedOrders, type Reader } from "../verify/orders-db.ts";

export interface Settlement {
  /** every accepted order had its OrderCompleted, OrderCancelled or OrderRefused on the stream (epoch ms), or undefined */
  decidedAt: number | undefined;
  /** no order left PENDING, CONFIRMED or CANCELLING in the orders DB, or undefined */
  quietAt: number | undefined;
  /** accepted orders without an outcome on the stream when the wait ended */
  undecided: number;
  /** orders not COMPLETED or CANCELLED in the orders DB when the wait ended */
  unfinished: number;
  /** consumers drained and every mail sent (waitForQuiet), or undefined */
  systemQuietAt?: number | undefined;
}

/**
 * After the load: waits until every accepted order has an outcome on the ORDERS stream, then until the
 * orders DB has no order in flight (CANCELLING ones finishing their compensations), up to the deadline.
 */
export async function settle({ ledger, watch, orders, deadline, onProgress = () => {} }: { ledger: Ledger; watch: OutcomeWatch; orders: Reader; deadline: number; onProgress?: (undecided: number, unfinished?: number) => void }): Promise<Settlement> {
  await Promise.all(ledger.cancels);
  const accepted = ledger.orderId.filter((id): id is string => id !== undefined);
  let undecided = accepted.length;
  let decidedAt: number | undefined;
  while (epochNow() < deadline) {
    undecided = accepted.reduce((n, id) => n + (watch.outcomes.has(id) ? 0 : 1), 0);
    onProgress(undecided);
    if (undecided === 0) {
      decidedAt = epochNow();
      break;
    }
    await sleep(250);
  }
  const { at: quietAt, unfinished } = await untilNoOrderInFlight({ orders, deadline, onWait: (left) => onProgress(undecided, left) });
  return { decidedAt, quietAt, undecided, unfinished };
}

/**
 * Waits until the orders DB has no order PENDING, CONFIRMED or CANCELLING, up to the deadline: when that
 * was (epoch ms, or undefined at the deadline) and how many were left.
 */
export async function untilNoOrderInFlight({ orders, deadline, onWait = () => {} }: { orders: Reader; deadline: number; onWait?: (unfinished: number) => void }): Promise<{ at: number | undefined; unfinished: number }> {
  let unfinished = await unfinishedOrders(orders);
  while (unfinished > 0 && epochNow() < deadline) {
    onWait(unfinished);
    await sleep(500);
    unfinished = await unfinishedOrders(orders);
  }
  return { at: unfinished === 0 ? epochNow() : undefined, unfinished };
}

/**
 * Waits until the saga's durable consumers have nothing pending or unacknowledged and notifications has
 * sent every mail: the rest of the system is quiet too, so the audit sees a finished run. Returns when
 * that was (epoch ms), or undefined at the deadline.
 */
export async function waitForQuiet({ natsUrl, notifications, deadline }: { natsUrl: string; notifications: Reader; deadline: number }): Promise<number | undefined> {
  const nc = await connect({ servers: natsUrl, name: "bench-quiet" });
  try {
    const jsm = await jetstreamManager(nc);
    while (epochNow() < deadline) {
      let busy = 0;
      for (const stream of SAGA_STREAMS) {
        for await (const info of jsm.consumers.list(stream)) if (info.config.durable_name) busy += info.num_pending + info.num_ack_pending;
      }
      const [mail] = busy === 0 ? await notifications<Array<{ n: number }>>`SELECT count(*)::int AS n FROM outgoing_mail WHERE status = 'pending'` : [{ n: 1 }];
      if (busy === 0 && mail!.n === 0) return epochNow();
      await sleep(500);
    }
    return undefined;
  } finally {
    await nc.close();
  }
}
