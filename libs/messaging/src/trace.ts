import { randomBytes } from "node:crypto";

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** W3C trace context: a new root, or a child span of the incoming `traceparent`. */
export function childTraceparent(parent?: string | null): string {
  const span = randomBytes(8).toString("hex");
  const match = parent ? TRACEPARENT.exec(parent) : null;
  if (match) return `00-${match[1]}-${span}-${match[3]}`;
  return `00-${randomBytes(16).toString("hex")}-${span}-01`;
}

export const traceIdOf = (traceparent?: string | null) => (traceparent ? TRACEPARENT.exec(traceparent)?.[1] : undefined);
