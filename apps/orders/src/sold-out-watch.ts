import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { InventoryRejected, InventoryReleased, InventoryReserved } from "@checkout/contracts";
import type { Logger } from "@checkout/log";
import { createSoldOutBoard, type Recheck, type SoldOutBoard } from "./domain/sold-out.ts";
import { createSkuGate, type SkuGate } from "./http/sku-gate.ts";

const decoder = new TextDecoder();

/** the order id of an `inventory.<event>.<orderId>` subject */
const orderIdOf = (subject: string) => subject.slice(subject.lastIndexOf(".") + 1);

/**
 * Keeps a sold-out board up to date from inventory's rejections and releases as they are published, and
 * tells the hot-SKU gate (if any) of inventory's decisions (reservations and rejections): plain NATS
 * subscriptions beside the stream (every instance of orders hears every one; no durable, no ack,
 * nothing replayed). A message missed while disconnected only leaves the board less informed (the
 * gate forgets an undecided order after a while), and one that does not parse is ignored here: the
 * durable consumers dead-letter it.
 */
function watchInventory({ nc, board, gate, log, clock = Date.now }: { nc: NatsConnection; board: SoldOutBoard; gate: SkuGate | undefined; log: Logger; clock?: () => number }): { stop(): void } {
  const listen = (filter: string, apply: (subject: string, data: Uint8Array) => void): Subscription =>
    nc.subscribe(filter, {
      callback(error, msg) {
        if (error) return void log.warn({ err: error, filter }, "sold-out hint: subscription closed");
        try {
          apply(msg.subject, msg.data);
        } catch {
          // not ours to judge: the durable consumers dead-letter what does not parse
        }
      },
    });
  const parsed = (data: Uint8Array): unknown => JSON.parse(decoder.decode(data));

  const subscriptions = [
    listen(InventoryRejected.filter, (subject, data) => {
      gate?.decided(orderIdOf(subject));
      // as old as inventory's decision (never newer than now): a rejection published late, or a dead
      // letter replayed days later, tells nothing about the stock now
      const event = InventoryRejected.parse(parsed(data));
      const now = clock();
      board.rejected(event.data.lines, Math.min(now, Date.parse(event.time) || 0), now);
      gate?.wake(); // the SKU may be sold out now: whoever waits for it is refused at once
    }),
    listen(InventoryReleased.filter, (_, data) => board.released(InventoryReleased.parse(parsed(data)).data.lines.map((line) => line.sku))),
    // the subject names the order: nothing to parse
    ...(gate ? [listen(InventoryReserved.filter, (subject) => gate.decided(orderIdOf(subject)))] : []),
  ];
  // decisions published while the connection was down are never heard: the gate forgets what it waited for
  if (gate) {
    (async () => {
      for await (const status of nc.status()) if (status.type === "disconnect" || status.type === "reconnect") gate.missedDecisions();
    })().catch(() => {});
  }
  return {
    stop() {
      for (const subscription of subscriptions) subscription.unsubscribe();
    },
  };
}

/**
 * The sold-out hint as checkout uses it: a board fed from `nc` for `ttlMs` (0: off, nothing is ever
 * refused), which asks `recheck` (inventory's stock API) before it lets an aged hint go, and the
 * question checkout asks it; and the hot-SKU gate (ADR 0014), when `gate.maxPerSku` > 0, fed from the
 * same subscriptions. With neither, nothing is subscribed.
 */
export function startSoldOutHint({
  nc,
  ttlMs,
  recheck,
  log,
  gate: limits,
}: {
  nc: NatsConnection;
  ttlMs: number;
  recheck?: Recheck | undefined;
  log: Logger;
  /** the hot-SKU gate's limits: orders of one SKU left undecided by inventory, and the checkouts' wait */
  gate?: { maxPerSku: number; maxWaiting: number; maxWaitMs: number } | undefined;
}): { soldOut(skus: string[]): string[]; gate: SkuGate | undefined; stop(): void } {
  const board = createSoldOutBoard({ ttlMs, recheck });
  const soldOut = (skus: string[]) => board.soldOut(skus, Date.now());
  const gate = limits && limits.maxPerSku > 0 ? createSkuGate({ ...limits, soldOut }) : undefined;
  const watch = ttlMs > 0 || gate ? watchInventory({ nc, board, gate, log }) : undefined;
  return { soldOut, gate, stop: () => watch?.stop() };
}
