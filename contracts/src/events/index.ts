import * as orders from "./orders.ts";
import * as inventory from "./inventory.ts";
import * as payments from "./payments.ts";
import * as shipping from "./shipping.ts";
import type { EventContract } from "../define-event.ts";

export * from "./orders.ts";
export * from "./inventory.ts";
export * from "./payments.ts";
export * from "./shipping.ts";

const isContract = (value: unknown): value is EventContract =>
  typeof value === "object" && value !== null && "accepts" in value && "filter" in value;

/** Every event of the choreography, by name. */
export const AllEvents: readonly EventContract[] = [orders, inventory, payments, shipping].flatMap((module) =>
  Object.values(module).filter(isContract),
);

/** The contract that reads a given CloudEvents `type` (any accepted version), if any. */
export function contractForType(type: string): EventContract | undefined {
  return AllEvents.find((event) => event.accepts.includes(type));
}
