import { describe, expect, it } from "vitest";
import { areaOf, summarizeProfile, type CpuProfile } from "./summarize.ts";

describe("areaOf", () => {
  it("names the package, the repo folder, node internals, GC and idle", () => {
    expect(areaOf("file:///work/main/node_modules/@nats-io/jetstream/lib/jsclient.js", "publish")).toBe("@nats-io/jetstream");
    expect(areaOf("file:///work/main/node_modules/postgres/src/connection.js", "x")).toBe("postgres");
    expect(areaOf("file:///work/main/apps/orders/src/http/place-order.ts", "placeOrder")).toBe("apps/orders");
    expect(areaOf("node:internal/streams/writable", "write")).toBe("(node internals)");
    expect(areaOf("", "(garbage collector)")).toBe("(gc)");
    expect(areaOf("", "(idle)")).toBe("(idle)");
  });
});

describe("summarizeProfile", () => {
  const frame = (functionName: string, url = "") => ({ functionName, url, lineNumber: 9 });
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame("(root)"), children: [2, 3, 4] },
      { id: 2, callFrame: frame("(idle)") },
      { id: 3, callFrame: frame("parse", "file:///r/node_modules/zod/index.js") },
      { id: 4, callFrame: frame("placeOrder", "file:///r/apps/orders/src/http/place-order.ts") },
    ],
    samples: [2, 2, 3, 4, 3, 2],
    timeDeltas: [1_000, 1_000, 1_000, 1_000, 3_000, 1_000],
    startTime: 0,
    endTime: 8_000,
  };
  it("adds self time per function and per area, and the busy share", () => {
    const summary = summarizeProfile(profile);
    expect(summary.totalMs).toBe(8);
    expect(summary.busyShare).toBeCloseTo(5 / 8, 2);
    expect(summary.functions[0]).toMatchObject({ name: "parse", where: "node_modules/zod/index.js:10", ms: 4 });
    expect(summary.areas.map((a) => a.area)).toEqual(["zod", "(idle)", "apps/orders"]);
  });
});
