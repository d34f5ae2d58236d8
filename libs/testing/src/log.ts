import { Writable } from "node:stream";
import { createLogger, type Logger } from "@checkout/log";

/** A service's logger whose JSON lines are kept, parsed, for a test to read (what an operator would see). */
export function capturedLog(service: string, level = "info"): { log: Logger; lines: Array<Record<string, any>> } {
  const lines: Array<Record<string, any>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: createLogger({ service, level, destination }), lines };
}
