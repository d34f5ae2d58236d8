import { epochNow } from "../clock.ts";

/**
 * Closed loop: `concurrency` clients, each sending its next request as soon as the previous one is
 * answered, until `count` have been sent. For the flash sale only (a crowd pressing the button at once);
 * rates and latencies of steady load come from the open loop.
 */
export async function runClosedLoop({
  count,
  concurrency,
  fire,
  clock = epochNow,
}: {
  count: number;
  concurrency: number;
  fire: (index: number, sentAt: number) => Promise<void>;
  clock?: () => number;
}): Promise<{ startedAt: number; endedAt: number }> {
  const startedAt = clock();
  let next = 0;
  const client = async () => {
    while (next < count) {
      const index = next++;
      await fire(index, clock()).catch(() => {});
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, client));
  return { startedAt, endedAt: clock() };
}
