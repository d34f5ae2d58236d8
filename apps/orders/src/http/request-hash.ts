import { createHash } from "node:crypto";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** sha256 of the canonical JSON of a (validated) request body. */
export const requestHashOf = (body: unknown) => sha256(canonicalJson(body));

/**
 * The KV key of a user's Idempotency-Key: KV keys allow only [-/_=.a-zA-Z0-9], a client's key and a user
 * id may hold any visible ASCII, so the pair is hashed; `scope` keeps the keys of different endpoints
 * apart, the user id those of different users (two users may send the same key).
 */
export const idempotencyKvKey = (scope: string, userId: string, idempotencyKey: string) => `${scope}.${sha256(JSON.stringify([userId, idempotencyKey]))}`;
