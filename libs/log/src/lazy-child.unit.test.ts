import { describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { createLogger, lazyChild } from "./index.ts";

function captured(level: string) {
  const lines: Array<Record<string, any>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: createLogger({ service: "lazy-test", level, destination }), lines };
}

describe("lazyChild", () => {
  it("logs with its bindings, redacted like a child's, at the levels the parent allows", () => {
    const { log, lines } = captured("info");
    const child = lazyChild(log, { orderId: "o-1", email: "ada@example.com" });
    child.debug("not at info");
    child.info({ step: 1 }, "first");
    child.warn("second");
    expect(lines.map(({ msg, orderId, email, step, service }) => ({ msg, orderId, email, step, service }))).toEqual([
      { msg: "first", orderId: "o-1", email: "[redacted]", step: 1, service: "lazy-test" },
      { msg: "second", orderId: "o-1", email: "[redacted]", step: undefined, service: "lazy-test" },
    ]);
    expect(child.isLevelEnabled("debug")).toBe(false);
    expect(child.isLevelEnabled("warn")).toBe(true);
    expect(child.bindings()).toMatchObject({ service: "lazy-test", orderId: "o-1" });
  });

  it("builds the child only when a line is written", () => {
    const { log } = captured("warn");
    let children = 0;
    const counting = new Proxy(log, { get: (target, property) => (property === "child" ? (...args: Parameters<typeof log.child>) => (children++, target.child(...args)) : Reflect.get(target, property)) });
    const child = lazyChild(counting, { orderId: "o-2" });
    child.info("dropped");
    child.debug("dropped");
    expect(child.isLevelEnabled("info")).toBe(false);
    expect(children).toBe(0);
    child.error("kept");
    child.error("kept again");
    expect(children).toBe(1);
  });
});
