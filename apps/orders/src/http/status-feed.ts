import type { Sql } from "@checkout/db";
import type { Logger } from "@checkout/log";

export const STATUS_CHANNEL = "checkout_order_status";

export interface StatusFeed {
  /** calls `listener` whenever the order's status changes (in any orders instance); returns unsubscribe */
  subscribe(orderId: string, listener: () => void): Promise<() => void>;
}

/**
 * One LISTEN connection per process, fanned out to the open event streams. The trigger on `orders`
 * NOTIFYs on every status change, so every instance hears about every order.
 */
export function createStatusFeed({ sql, log }: { sql: Sql; log: Logger }): StatusFeed {
  const listeners = new Map<string, Set<() => void>>();
  let listening: Promise<unknown> | undefined;
  const listen = () =>
    (listening ??= sql
      .listen(
        STATUS_CHANNEL,
        (orderId) => {
          for (const listener of listeners.get(orderId) ?? []) listener();
        },
        () => {
          // (re)connected: a change may have been missed while the connection was down
          for (const set of listeners.values()) for (const listener of set) listener();
        },
      )
      .catch((error) => {
        listening = undefined;
        log.error({ err: error }, "cannot LISTEN for order status changes");
        throw error;
      }));
  return {
    async subscribe(orderId, listener) {
      await listen();
      const set = listeners.get(orderId) ?? new Set();
      set.add(listener);
      listeners.set(orderId, set);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(orderId);
      };
    },
  };
}
