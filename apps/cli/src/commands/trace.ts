import type { Command } from "commander";
import { OrderId } from "@checkout/contracts";
import { DLQ_HEADERS } from "@checkout/messaging";
import { notFound, usageError } from "../errors.ts";
import { withSession, type GlobalOptions } from "../session.ts";
import { inTimeOrder, toFact, type Fact } from "../trace/facts.ts";
import { readOrder } from "../trace/read.ts";
import { renderTrace } from "../trace/render.ts";

/** `checkout trace <orderId>`: every fact about one order, across the four streams and the DLQ. */
export function traceCommand(program: Command): void {
  program
    .command("trace")
    .description("every fact about one order in ORDERS, INVENTORY, PAYMENTS, SHIPPING and the DLQ, in time order")
    .argument("<orderId>", "the order id (a UUID)")
    .addHelpText("after", "\nExit codes: 0 facts found, 1 no facts for the order, 2 bad order id or nats-server unreachable.")
    .action(async function trace(orderId: string, _options: unknown, command: Command) {
      const options = command.optsWithGlobals<GlobalOptions>();
      if (!OrderId.safeParse(orderId).success) throw usageError(`order id must be a UUID, got ${JSON.stringify(orderId)}`);

      const { facts, missing } = await withSession(options, async ({ js, jsm }) => {
        const read = await readOrder(js, jsm, orderId);
        const facts: Fact[] = [...read.events.map((message) => toFact(message)), ...read.deadLetters.map((message) => toFact(message, DLQ_HEADERS))];
        return { facts: inTimeOrder(facts), missing: read.missing };
      });

      if (missing.length > 0) process.stderr.write(`note: no stream ${missing.join(", ")} on this server\n`);
      if (options.json) process.stdout.write(`${JSON.stringify(facts, (_key, value: unknown) => value ?? null, 2)}\n`);
      if (facts.length === 0) throw notFound(`no facts found for order ${orderId}`);
      if (!options.json) process.stdout.write(`${renderTrace(orderId, facts)}\n`);
    });
}
