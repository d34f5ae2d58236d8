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
  /**
   * A write whose result the handler's decision does not need (a state stored, a row recorded): it is
   * not waited for and travels with the batch's next statement or its COMMIT, so it costs no round trip
   * of its own. PostgreSQL runs it before anything sent after it, so a later handler of the same order
   * or key reads what it wrote. If it fails, the batch fails as if the handler had thrown. Hand it a
   * postgres.js query, or an async function that sends its statements before its first `await` and
   * fails only when one of them does: put checks in SQL (see Pipelined.later in @checkout/db).
   */
  later(statement: Promise<unknown>): void;
  /**
   * The value under `key` that the handlers of this transaction share, made by the first that asks: what
   * one handler read and changed under a shared key, the next one of that key can take from here instead
   * of reading it again (inventory's stock levels). It belongs to the transaction: a batch that is split
   * or done again starts without it.
   */
  shared<T>(key: string, create: () => T): T;
}

export interface Handler<TData = any, TPrepared = any> {
  subscribe: EventContract<string, TData>;
  /**
   * Within one batch's transaction, handlers of different orders run side by side (their statements
   * share the connection's round trips), and those of one order run one after the other, in stream order.
   * A handler whose decision reads rows other orders' handlers write (stock levels) names them here:
   * handlers that share a key also run one after the other (their `handle`; see `prepare`). The order id
   * is always a key.
   */
  sharedKeys?(event: CloudEvent<string, TData>): string[];
  /**
   * The part of the work that does not wait for the shared keys: it runs once the earlier handlers of the
   * same order are done, side by side with the handlers of other orders, and `handle` gets what it
   * returns. For the reads of the order's own rows, so that the handlers of one shared key wait for each
   * other only to decide, not for a round trip each (inventory: the order's reservation, and the stock as
   * it was before the batch).
   */
  prepare?(event: CloudEvent<string, TData>, context: HandlerContext): Promise<TPrepared> | TPrepared;
  /**
   * True for an event that asks nothing of this service, judged from the event alone (no I/O): it is
   * acked as `skipped` before any transaction, with no inbox record. Only for an event whose handling
   * would write nothing that anything later depends on (an order checkout refused: ADR 0010).
   */
  ignores?(event: CloudEvent<string, TData>): boolean;
  /**
   * Returns the events to publish; never publishes, acks or opens a transaction itself. It may run and
   * be rolled back: when its batch fails, and when the batch began on the guess that none of its events
   * was handled before and the inbox found one that was (processBatch). So anything it does outside the
   * transaction (a carrier's label, a KV projection) must be safe to do again, and may be done for
   * nothing: the run that commits can decide otherwise.
   */
  handle(event: CloudEvent<string, TData>, context: HandlerContext, prepared: TPrepared): Promise<AnyEvent[]> | AnyEvent[];
}

export function defineHandler<TData, TPrepared = undefined>(handler: Handler<TData, TPrepared>): Handler<TData, TPrepared> {
  return handler;
}
