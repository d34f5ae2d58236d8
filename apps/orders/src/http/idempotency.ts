import type { KV } from "@nats-io/kv";
import type { Logger } from "@checkout/log";
import { UnavailableError } from "@checkout/http";
import { IdempotencyInProgress, IdempotencyKeyReused } from "./errors.ts";
import { idempotencyKvKey } from "./request-hash.ts";

// HTTP Idempotency-Key records in the KV bucket "idempotency" (ARCHITECTURE §5.3). The first request
// claims the key with kv.create() (which fails when the key exists), runs, and stores its response;
// a repeat with the same body gets the stored response, with another body a 422, and while the first
// still runs a 409. A claim older than `abandonAfterMs` was left by a crashed process: the next
// request takes it over with a compare-and-set on its revision.

export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export type IdempotencyRecord =
  | { state: "in_progress"; requestHash: string; startedAt: string }
  | { state: "done"; requestHash: string; startedAt: string; completedAt: string; response: StoredResponse };

export type Claim =
  | { kind: "replay"; response: StoredResponse }
  | {
      kind: "claimed";
      /** true when an abandoned claim was taken over */
      tookOver: boolean;
      /** stores the response for replays */
      complete(response: StoredResponse): Promise<void>;
      /** forgets the claim, so that a retry runs again (after a 5xx) */
      release(): Promise<void>;
    };

export interface IdempotencyStore {
  /** claims `idempotencyKey` of `userId`: each user's keys are their own */
  claim(userId: string, idempotencyKey: string, requestHash: string): Promise<Claim>;
}

/**
 * How long a claim stays in progress before the next request with its key takes it over as left by a
 * crashed process: 30 s, or longer when a live checkout may hold it longer. After its claim a checkout can
 * wait `gateWaitMs` at the hot-SKU gate and `slotWaitMs` for an in-flight slot after it (both
 * CHECKOUT_MAX_WAIT_MS in the service); 10 s more cover the rest of its work as long as PostgreSQL, Redis
 * and NATS answer. A stalled database can hold a checkout longer still: the UNIQUE key of its order then
 * keeps a retry that took over from placing a second one.
 */
export const claimLeaseMs = ({ gateWaitMs, slotWaitMs }: { gateWaitMs: number; slotWaitMs: number }) => Math.max(30_000, gateWaitMs + slotWaitMs + 10_000);

export function createIdempotencyStore({
  kv,
  now,
  log,
  scope,
  abandonAfterMs = 30_000,
}: {
  kv: KV;
  now: () => Date;
  log: Logger;
  scope: string;
  abandonAfterMs?: number;
}): IdempotencyStore {
  const encode = (record: IdempotencyRecord) => JSON.stringify(record);

  function claimed(key: string, revision: number, requestHash: string, startedAt: string, tookOver: boolean): Claim {
    return {
      kind: "claimed",
      tookOver,
      async complete(response) {
        const record: IdempotencyRecord = { state: "done", requestHash, startedAt, completedAt: now().toISOString(), response };
        await kv.update(key, encode(record), revision).catch((error: Error) => {
          // taken over meanwhile, or KV down: the orders.idempotency_key column still prevents a second order
          log.warn({ key, err: error.message }, "could not store the idempotent response");
        });
      },
      async release() {
        await kv.delete(key, { previousSeq: revision }).catch((error: Error) => {
          log.warn({ key, err: error.message }, "could not release the idempotency claim; it will be taken over when stale");
        });
      },
    };
  }

  return {
    async claim(userId, idempotencyKey, requestHash) {
      const key = idempotencyKvKey(scope, userId, idempotencyKey);
      let lastError: unknown;
      for (let attempt = 0; attempt < 3; attempt++) {
        const startedAt = now().toISOString();
        const fresh = encode({ state: "in_progress", requestHash, startedAt });
        try {
          return claimed(key, await kv.create(key, fresh), requestHash, startedAt, false);
        } catch (error) {
          lastError = error; // the key exists, or KV is unreachable: get() tells which
        }
        const entry = await kv.get(key).catch((error: unknown) => {
          throw new UnavailableError(`the idempotency store cannot be reached: ${(error as Error).message}`);
        });
        if (!entry || entry.operation !== "PUT") continue; // released meanwhile: claim again
        const record = entry.json<IdempotencyRecord>();
        if (record.requestHash !== requestHash) throw new IdempotencyKeyReused();
        if (record.state === "done") return { kind: "replay", response: record.response };
        if (now().getTime() - Date.parse(record.startedAt) < abandonAfterMs) throw new IdempotencyInProgress();
        try {
          const revision = await kv.update(key, fresh, entry.revision);
          log.warn({ key, abandonedSince: record.startedAt }, "took over an abandoned idempotency claim");
          return claimed(key, revision, requestHash, startedAt, true);
        } catch {
          throw new IdempotencyInProgress(); // another request took it over first
        }
      }
      throw new UnavailableError(`could not claim the Idempotency-Key: ${(lastError as Error | undefined)?.message ?? "contention"}`);
    },
  };
}
