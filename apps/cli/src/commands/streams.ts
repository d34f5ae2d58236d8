import type { Command } from "commander";
import type { ConsumerInfo, StreamInfo } from "@nats-io/jetstream";
import { serverFeatures } from "@checkout/messaging";
import { withSession, type GlobalOptions } from "../session.ts";
import { buildReport, renderReport } from "../streams/report.ts";

/** `checkout streams`: `nats stream report` and `nats consumer report` for every stream, in one table each. */
export function streamsCommand(program: Command): void {
  program
    .command("streams")
    .description("streams (messages, bytes, sequences, subjects, consumers) and durable consumers (pending, ack pending, redelivered)")
    .action(async function streams(_options: unknown, command: Command) {
      const options = command.optsWithGlobals<GlobalOptions>();
      const report = await withSession(options, async ({ nc, jsm }) => {
        const streams: StreamInfo[] = [];
        for await (const info of jsm.streams.list()) streams.push(info);
        const consumers: ConsumerInfo[] = [];
        for (const stream of streams) for await (const info of jsm.consumers.list(stream.config.name)) consumers.push(info);
        return buildReport(serverFeatures(nc), streams, consumers);
      });
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderReport(report, new Date())}\n`);
    });
}
