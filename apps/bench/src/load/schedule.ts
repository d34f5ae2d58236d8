import type { Random } from "../random.ts";

/** A stretch of constant arrival rate. */
export interface Phase {
  rate: number;
  durationS: number;
}

export type ArrivalProcess = "uniform" | "poisson";

/** When each arrival is due, in ms from the start of the load, ascending; `phase` says which phase it belongs to. */
export interface Schedule {
  offsetsMs: Float64Array;
  phase: Uint16Array;
  phases: Phase[];
  totalMs: number;
}

/**
 * The open-loop schedule: arrivals are due at fixed times whatever the system does (so a slow answer
 * never delays the next request). `uniform` spaces them 1/rate apart; `poisson` draws exponential gaps.
 */
export function scheduleArrivals(phases: Phase[], { process = "uniform", random }: { process?: ArrivalProcess; random?: Random } = {}): Schedule {
  if (process === "poisson" && !random) throw new Error("a poisson schedule needs a random source");
  const offsets: number[] = [];
  const phaseOf: number[] = [];
  let start = 0;
  phases.forEach(({ rate, durationS }, index) => {
    const end = start + durationS * 1_000;
    if (rate > 0) {
      const gap = 1_000 / rate;
      if (process === "uniform") {
        const count = Math.round(rate * durationS);
        for (let i = 0; i < count; i++) {
          offsets.push(start + i * gap);
          phaseOf.push(index);
        }
      } else {
        for (let at = start + random!.exponential(gap); at < end; at += random!.exponential(gap)) {
          offsets.push(at);
          phaseOf.push(index);
        }
      }
    }
    start = end;
  });
  return { offsetsMs: Float64Array.from(offsets), phase: Uint16Array.from(phaseOf), phases, totalMs: start };
}

/** `steps` phases of equal length whose rates rise geometrically from `from` to `to` (linear when asked). */
export function rampPhases({ from, to, steps, durationS, shape = "geometric" }: { from: number; to: number; steps: number; durationS: number; shape?: "geometric" | "linear" }): Phase[] {
  if (steps < 1) throw new Error("a ramp needs at least one step");
  if (from <= 0 || to < from) throw new Error("a ramp rises: 0 < from <= to");
  const each = durationS / steps;
  return Array.from({ length: steps }, (_, i) => {
    const t = steps === 1 ? 1 : i / (steps - 1);
    const rate = shape === "linear" ? from + (to - from) * t : from * (to / from) ** t;
    return { rate: Math.round(rate), durationS: each };
  });
}
