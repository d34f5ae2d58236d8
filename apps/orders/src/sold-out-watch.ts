import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { InventoryRejected, InventoryReleased } from "@checkout/contracts";
import type { Logger } from "@checkout/log";
import { createSoldOutBoard, type Recheck, type SoldOutBoard } from "./domain/sold-out.ts";

const decoder = new TextDecoder();

/**
 * Keeps a sold-out board up to date from inventory's rejections and releases as they are published:
 * plain NATS subscriptions beside the stream (every instance of orders hears every one; no durable, no
 * ack, nothing replayed). A message missed while disconnected only leaves the board less informed, and
 * one that does not parse is ignored here: the durable consumers dead-letter it.
 */
function watchSoldOut({ nc, board, log, clock = Date.now }: { nc: NatsConnection; board: SoldOutBoard; log: Logger; clock?: () => number }): { stop(): void } {
  const listen = (filter: string, apply: (envelope: unknown) => void): Subscription =>
    nc.subscribe(filter, {
      callback(error, msg) {
        if (error) return void log.warn({ err: error, filter }, "sold-out hint: subscription closed");
        try {
          apply(JSON.parse(decoder.decode(msg.data)));
        } catch {
          // not ours to judge: the durable consumers dead-letter what does not parse
        }
      },
    });

  const subscriptions = [
    listen(InventoryRejected.filter, (envelope) => {
      // as old as inventory's decision (never newer than now): a rejection published late, or a dead
      // letter replayed days later, tells nothing about the stock now
      const event = InventoryRejected.parse(envelope);
      const now = clock();
      board.rejected(event.data.lines, Math.min(now, Date.parse(event.time) || 0), now);
    }),
    listen(InventoryReleased.filter, (envelope) => board.released(InventoryReleased.parse(envelope).data.lines.map((line) => line.sku))),
  ];
  return {
    stop() {
      for (const subscription of subscriptions) subscription.unsubscribe();
    },
  };
}

/**
 * The sold-out hint as checkout uses it: a board fed from `nc` for `ttlMs` (0: off, nothing is
 * subscribed and nothing is ever refused), which asks `recheck` (inventory's stock API) before it lets
 * an aged hint go, and the question checkout asks it.
 */
export function startSoldOutHint({ nc, ttlMs, recheck, log }: { nc: NatsConnection; ttlMs: number; recheck?: Recheck | undefined; log: Logger }): { soldOut(skus: string[]): string[]; stop(): void } {
  const board = createSoldOutBoard({ ttlMs, recheck });
  const watch = ttlMs > 0 ? watchSoldOut({ nc, board, log }) : undefined;
  return {
    soldOut: (skus) => board.soldOut(skus, Date.now()),
    stop: () => watch?.stop(),
  };
}
