import type { CloudEvent, EventContract } from "@checkout/contracts";
import type { TransactionSql } from "@checkout/db";
import type { Logger } from "@checkout/log";

export type AnyEvent = CloudEvent<string, unknown>;

export interface HandlerContext {
  /** the transaction that also writes the inbox record and the outbox rows */
  sql: TransactionSql;
  now: () => Date;
  log: Logger;
  message: { subject: string; streamSequence: number; deliveryCount: number };
}

export interface Handler<TData = any> {
  subscribe: EventContract<string, TData>;
  /**
   * Within one batch's transaction, handlers of different orders run side by side (their statements
   * share the connection's round trips), and those of one order run one after the other, in stream order.
   * A handler whose decision reads rows other orders' handlers write (stock levels) names them here:
   * handlers that share a key also run one after the other. The order id is always a key.
   */
  sharedKeys?(event: CloudEvent<string, TData>): string[];
  /**
   * True for an event that asks nothing of this service, judged from the event alone (no I/O): it is
   * acked as `skipped` before any transaction, with no inbox record. Only for an event whose handling
   * would write nothing that anything later depends on (an order checkout refused: ADR 0010).
   */
  ignores?(event: CloudEvent<string, TData>): boolean;
  /** returns the events to publish; never publishes, acks or opens a transaction itself */
  handle(event: CloudEvent<string, TData>, context: HandlerContext): Promise<AnyEvent[]> | AnyEvent[];
}

export function defineHandler<TData>(handler: Handler<TData>): Handler<TData> {
  return handler;
}
