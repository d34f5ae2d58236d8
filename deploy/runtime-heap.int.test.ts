import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { environment } from "@checkout/config";
import { node24Bin } from "@checkout/testing";
import { PRODUCTION_NODE_OPTIONS } from "../scripts/production.ts";

// The benchmark measures the services on this machine's Node (20); the image runs Node 24. Each runtime
// sizes V8's heap from NODE_OPTIONS its own way: Node 24 grew the young generation from 3 × 16 MB to
// 3 × 64 MB under the same old-space cap, and orders went from ~170 MB to ~300 MB in a flash sale, past
// its pod's 256Mi. So the options must give the same heap on both, the one the benchmark measured.

/** What the benchmark's services got on Node 20: 160 MB of old space and 3 × 16 MB of young, in MiB. */
const MEASURED_HEAP_MIB = 208;

function heapOf(node: string): { version: string; limitMiB: number } {
  const script = 'process.stdout.write(JSON.stringify({ version: process.version, limit: require("node:v8").getHeapStatistics().heap_size_limit }))';
  const output = execFileSync(node, ["-e", script], { env: { PATH: environment().PATH ?? "", NODE_OPTIONS: PRODUCTION_NODE_OPTIONS }, encoding: "utf8" });
  const { version, limit } = JSON.parse(output) as { version: string; limit: number };
  return { version, limitMiB: limit / 2 ** 20 };
}

describe("the V8 heap that PRODUCTION_NODE_OPTIONS gives a service", () => {
  it("is the one the benchmark measured, on this machine's Node", () => {
    expect(heapOf(process.execPath).limitMiB).toBe(MEASURED_HEAP_MIB);
  });

  it("is the same on Node 24, the production image's runtime", () => {
    const { version, limitMiB } = heapOf(node24Bin());
    expect(version).toMatch(/^v24\./);
    expect(limitMiB).toBe(MEASURED_HEAP_MIB);
  });
});
