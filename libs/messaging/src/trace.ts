import { randomFillSync } from "node:crypto";

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

// ids are cut from one buffer of random bytes, refilled when spent: one call into the CSPRNG for every
// few hundred spans instead of one or two for each (every checkout and every event handled makes one)
const pool = Buffer.alloc(4_096);
let used = pool.length;
function randomHex(bytes: number): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += bytes;
  return pool.toString("hex", used - bytes, used);
}

/** W3C trace context: a new root, or a child span of the incoming `traceparent`. */
export function childTraceparent(parent?: string | null): string {
  const span = randomHex(8);
  const match = parent ? TRACEPARENT.exec(parent) : null;
  if (match) return `00-${match[1]}-${span}-${match[3]}`;
  return `00-${randomHex(16)}-${span}-01`;
}

export const traceIdOf = (traceparent?: string | null) => (traceparent ? TRACEPARENT.exec(traceparent)?.[1] : undefined);
