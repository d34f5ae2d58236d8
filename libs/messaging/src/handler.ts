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
  /** returns the events to publish; never publishes, acks or opens a transaction itself */
  handle(event: CloudEvent<string, TData>, context: HandlerContext): Promise<AnyEvent[]> | AnyEvent[];
}

export function defineHandler<TData>(handler: Handler<TData>): Handler<TData> {
  return handler;
}
