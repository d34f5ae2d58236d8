import { epochNow, sleep } from "../clock.ts";
import { createRecorder, type LatencySummary } from "../stats/latency.ts";

export interface OpenLoopReport {
  startedAt: number;
  /** when the last request was sent */
  lastSentAt: number;
  /** how late requests left compared with their schedule: the generator's own delays (event loop, in-flight cap) */
  sendLag: LatencySummary;
  peakInFlight: number;
  /** arrivals that had to wait because maxInFlight requests were already out */
  heldByInFlightCap: number;
  /** arrivals never sent because the deadline passed first */
  unsent: number;
}

/**
 * Open-loop arrivals: request i is due at `startedAt + offsetsMs[i]` whether or not earlier ones have
 * been answered, and `fire` gets that scheduled time so latency is measured from it (no coordinated
 * omission). Above `maxInFlight` requests wait, still measured from their schedule: a guard for the
 * generator's sockets and memory, counted and reported.
 */
export async function runOpenLoop({
  offsetsMs,
  fire,
  maxInFlight,
  leadMs = 20,
  deadline = Number.POSITIVE_INFINITY,
  clock = epochNow,
}: {
  offsetsMs: Float64Array;
  fire: (index: number, scheduledAt: number) => Promise<void>;
  maxInFlight: number;
  leadMs?: number;
  /** epoch ms after which arrivals still waiting are dropped (and counted): a bound on a run's length */
  deadline?: number;
  clock?: () => number;
}): Promise<OpenLoopReport> {
  const startedAt = clock() + leadMs;
  const lag = createRecorder(offsetsMs.length || 1);
  const inFlight = new Set<Promise<void>>();
  let next = 0;
  let peakInFlight = 0;
  let held = 0;
  let lastSentAt = startedAt;

  while (next < offsetsMs.length) {
    const now = clock();
    if (now > deadline) break;
    while (next < offsetsMs.length && startedAt + offsetsMs[next]! <= now && inFlight.size < maxInFlight) {
      const scheduledAt = startedAt + offsetsMs[next]!;
      lag.add(now - scheduledAt);
      const task: Promise<void> = fire(next, scheduledAt)
        .catch(() => {})
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
      peakInFlight = Math.max(peakInFlight, inFlight.size);
      lastSentAt = now;
      next++;
    }
    if (next >= offsetsMs.length) break;
    if (inFlight.size >= maxInFlight) {
      if (startedAt + offsetsMs[next]! <= clock()) held++;
      await Promise.race(inFlight);
    } else {
      await sleep(Math.max(0, Math.min(10, startedAt + offsetsMs[next]! - clock())));
    }
  }
  await Promise.all(inFlight);
  return { startedAt, lastSentAt, sendLag: lag.summary(), peakInFlight, heldByInFlightCap: held, unsent: offsetsMs.length - next };
}
