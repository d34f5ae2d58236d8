// Stripe's idempotency semantics, without HTTP: keys are scoped per API key and kept ttlMs (24 h);
// the first result is saved and replayed for the same endpoint + params; a different request with
// the key is refused; a key whose first request is still running is "in flight".
import { StripeError } from "./errors.ts";
import type { FormValue } from "./form.ts";

export interface RequestFingerprint {
  method: string;
  path: string;
  /** canonicalParams() of the decoded params. */
  params: string;
}

export interface StoredResponse {
  status: number;
  body: string;
  contentType: string;
}

export type Comparison = "same" | "different_endpoint" | "different_params";

export type Begin =
  | { kind: "new" }
  | { kind: "replay"; response: StoredResponse }
  | { kind: "in_flight" }
  | { kind: "mismatch"; comparison: Exclude<Comparison, "same"> };

/** Stable text for params: object keys sorted at every level, array order kept. */
export function canonicalParams(value: FormValue): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalParams).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalParams(value[key] as FormValue)}`).join(",")}}`;
}

export function compareRequests(first: RequestFingerprint, second: RequestFingerprint): Comparison {
  if (first.method !== second.method || first.path !== second.path) return "different_endpoint";
  return first.params === second.params ? "same" : "different_params";
}

/** Stripe saves a result once the endpoint started executing: successes, declines, state errors. */
export function shouldSaveResult(status: number, error: unknown): boolean {
  if (status < 400) return true;
  return error instanceof StripeError && error.executed;
}

interface Entry {
  fingerprint: RequestFingerprint;
  createdAt: number;
  response: StoredResponse | undefined;
}

export interface IdempotencyStore {
  begin(scope: string, key: string, fingerprint: RequestFingerprint): Begin;
  complete(scope: string, key: string, response: StoredResponse): void;
  abandon(scope: string, key: string): void;
  clear(): void;
  size(): number;
}

const day = 24 * 60 * 60 * 1000;

export function createIdempotencyStore({ ttlMs = day, now = Date.now }: { ttlMs?: number; now?: () => number } = {}): IdempotencyStore {
  const entries = new Map<string, Entry>();
  let lastSweep = now();
  const entryKey = (scope: string, key: string) => JSON.stringify([scope, key]);

  function sweep(at: number): void {
    if (at - lastSweep < 60_000) return;
    lastSweep = at;
    for (const [key, entry] of entries) if (at - entry.createdAt >= ttlMs) entries.delete(key);
  }

  return {
    begin: function begin(scope, key, fingerprint) {
      const at = now();
      sweep(at);
      const id = entryKey(scope, key);
      const entry = entries.get(id);
      if (entry === undefined || at - entry.createdAt >= ttlMs) {
        entries.set(id, { fingerprint, createdAt: at, response: undefined });
        return { kind: "new" };
      }
      const comparison = compareRequests(entry.fingerprint, fingerprint);
      if (comparison !== "same") return { kind: "mismatch", comparison };
      return entry.response === undefined ? { kind: "in_flight" } : { kind: "replay", response: entry.response };
    },
    complete: function complete(scope, key, response) {
      const entry = entries.get(entryKey(scope, key));
      if (entry !== undefined) entry.response = response;
    },
    abandon: function abandon(scope, key) {
      const id = entryKey(scope, key);
      if (entries.get(id)?.response === undefined) entries.delete(id);
    },
    clear: function clear() {
      entries.clear();
    },
    size: function size() {
      return entries.size;
    },
  };
}
