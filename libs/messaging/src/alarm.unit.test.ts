import { describe, expect, it } from "vitest";
import { createAlarm } from "./alarm.ts";

const elapsed = async (run: () => Promise<void>) => {
  const started = performance.now();
  await run();
  return performance.now() - started;
};

describe("createAlarm", () => {
  it("sleeps until the timer when nobody wakes it", async () => {
    expect(await elapsed(() => createAlarm().sleep(60))).toBeGreaterThanOrEqual(55);
  });

  it("a wake-up while asleep ends the sleep", async () => {
    const alarm = createAlarm();
    setTimeout(() => alarm.wake(), 10);
    expect(await elapsed(() => alarm.sleep(5_000))).toBeLessThan(1_000);
  });

  it("a wake-up while awake is kept for the next sleep, once", async () => {
    const alarm = createAlarm();
    alarm.wake();
    alarm.wake();
    expect(await elapsed(() => alarm.sleep(5_000))).toBeLessThan(50);
    expect(await elapsed(() => alarm.sleep(60))).toBeGreaterThanOrEqual(55);
  });
});
