import { describe, expect, it } from "vitest";
import { createProgress, progressLine } from "./progress.ts";

describe("progressLine", () => {
  it("shows the phase, a bar for the elapsed share and the counters", () => {
    expect(progressLine({ phase: "steady", elapsedS: 15, totalS: 30, sent: 6_150, offered: 12_000, accepted: 6_100, finished: 5_800, inFlight: 50 })).toBe(
      "[steady ██████████░░░░░░░░░░ 15.0/30s] sent 6,150/12,000 accepted 6,100 finished 5,800 in flight 50",
    );
  });
  it("without a known end, only the clock", () => {
    expect(progressLine({ phase: "settle", elapsedS: 2.25, note: "12 undecided" })).toBe("[settle 2.3s] 12 undecided");
  });
});

describe("createProgress", () => {
  const fakeStream = (isTTY: boolean) => {
    const writes: string[] = [];
    return { writes, stream: { isTTY, columns: 200, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream };
  };
  it("on a terminal rewrites one line with \\r", () => {
    const { writes, stream } = fakeStream(true);
    const progress = createProgress({ stream });
    progress.update({ phase: "a", elapsedS: 1 });
    progress.update({ phase: "a", elapsedS: 2 });
    progress.done();
    expect(writes.slice(0, 2).every((w) => w.startsWith("\r"))).toBe(true);
    expect(writes.at(-1)).toBe("\n");
  });
  it("in a pipe writes whole lines, at most one per interval", () => {
    const { writes, stream } = fakeStream(false);
    const progress = createProgress({ stream, everyMs: 60_000 });
    progress.update({ phase: "a", elapsedS: 1 });
    progress.update({ phase: "a", elapsedS: 2 });
    expect(writes).toEqual(["[a 1.0s]\n"]);
  });
});
