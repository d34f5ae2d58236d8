import type { EventContract } from "@checkout/contracts";
import { defineHandler, UnprocessableEventError, type Handler } from "@checkout/messaging";
import type { Fact } from "../domain/decide.ts";
import { lockOrder } from "../db/saga.ts";
import { applyFact } from "../apply-fact.ts";

const serviceOf = (source: string) => source.split("/").pop() ?? source;

/**
 * A handler for one fact about an order: lock the order, decide, store the state and note the fact in
 * its timeline (with the COMMIT), and return the order's own facts when its status changed.
 */
export function onFact<TData>(
  subscribe: EventContract<string, TData>,
  { fact, detail }: { fact: (data: TData) => Fact; detail: (data: TData) => Record<string, unknown> },
): Handler<TData> {
  return defineHandler({
    subscribe,
    async handle(event, { sql, later }) {
      const orderId = event.subject;
      const order = await lockOrder(sql, orderId);
      if (!order) throw new UnprocessableEventError(`${subscribe.name} for unknown order ${orderId}`);
      const received = { eventId: event.id, type: subscribe.name, source: serviceOf(event.source), at: event.time, detail: detail(event.data) };
      return applyFact(sql, order, fact(event.data), { cause: event, received, later });
    },
  });
}
