import { hash } from "node:crypto";

const sha256 = (text: string) => hash("sha256", text, "hex");

/**
 * JSON with object keys sorted at every level, so equal values always give equal text. Its text is what
 * stored request hashes were computed from (orders.request_hash, the idempotency bucket): it must not
 * change. Keys sort by UTF-16 code units (`sort()`'s order); members that are undefined are left out, and
 * undefined in an array is null, as JSON.stringify does. On every checkout: written as loops, without the
 * arrays of entries that a map and join would allocate.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) {
    let text = "[";
    for (let i = 0; i < value.length; i++) text += (i > 0 ? "," : "") + canonicalJson(value[i] ?? null);
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  let text = "{";
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    text += (text.length > 1 ? "," : "") + JSON.stringify(key) + ":" + canonicalJson(member);
  }
  return `${text}}`;
}

/** sha256 of the canonical JSON of a (validated) request body. */
export const requestHashOf = (body: unknown) => sha256(canonicalJson(body));

/**
 * The KV key of a user's Idempotency-Key: KV keys allow only [-/_=.a-zA-Z0-9], a client's key and a user
 * id may hold any visible ASCII, so the pair is hashed; `scope` keeps the keys of different endpoints
 * apart, the user id those of different users (two users may send the same key).
 */
export const idempotencyKvKey = (scope: string, userId: string, idempotencyKey: string) => `${scope}.${sha256(JSON.stringify([userId, idempotencyKey]))}`;
