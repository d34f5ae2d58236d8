import type { Sql } from "./connect.ts";

export type ReservedSql = Awaited<ReturnType<Sql["reserve"]>>;

export interface Limits {
  /** how long to wait for a connection of the pool (30 s; postgres.js's own connect timeout is 30 s too) */
  reserveTimeoutMs?: number;
  /** how long the work may take once it has its connection (60 s) */
  deadlineMs?: number;
}

/**
 * `fn` on a connection of the pool taken for it alone, with no transaction around it (each statement
 * commits by itself), under two limits: PoolWaitTimedOut when no connection comes within
 * `reserveTimeoutMs`, TransactionStuck (reported to onStuckTransaction) when `fn` has not settled
 * within `deadlineMs`. postgres.js has no time limit of its own on either wait, so a loop that awaits a
 * plain pool query can stop for good; `transaction` (transaction.ts) is built on this, and a worker's
 * claim runs through it.
 *
 * The connection goes back to the pool when `fn` settles: `fn` must wait for every statement it sent
 * (Promise.all rejects at the first failure, with the others still running; use Promise.allSettled
 * then), and must leave no session state behind.
 */
export async function withConnection<T>(
  sql: Sql,
  fn: (connection: ReservedSql) => Promise<T>,
  { reserveTimeoutMs = 30_000, deadlineMs = 60_000, what = "the work on a reserved connection" }: Limits & { what?: string } = {},
): Promise<T> {
  const connection = await reserve(sql, reserveTimeoutMs);
  const deadline = timeLimit(deadlineMs, () => new TransactionStuck(deadlineMs, what));
  let stuck = false;
  try {
    return await Promise.race([fn(connection), deadline.expired]);
  } catch (error) {
    if (error instanceof TransactionStuck) {
      stuck = true;
      onStuck(error);
    }
    throw error;
  } finally {
    deadline.clear();
    if (!stuck) connection.release();
  }
}

/**
 * Work on a reserved connection (a transaction, or a worker's statement) that has not settled by its
 * deadline: whatever awaits it would otherwise stop for ever. postgres.js 3.4.9 left a statement
 * waiting in a transaction's queue pending for ever when the connection died (porsager/postgres#1186:
 * a PostgreSQL crash or restart); that one is patched (scripts/patch-dependencies.mjs), and the
 * deadline stays as the backstop for any stall of its kind.
 */
export class TransactionStuck extends Error {
  readonly code = "transaction_stuck";
  constructor(ms: number, what: string) {
    super(`${what} did not settle within ${ms} ms: a statement of it was never answered`);
  }
}

let onStuck: (error: TransactionStuck) => void = () => {};

/**
 * What the process does when work on a reserved connection is stuck, besides the TransactionStuck its
 * caller gets. The stuck connection is never handed back to the pool (it may still be running the
 * statement, or be in a state nobody knows), so the pool is one connection short from then on; a
 * service exits and its supervisor starts it with a fresh pool (stopOnSignals in libs/messaging).
 * Nothing is lost: nothing of the work was acked, and its messages are delivered again.
 */
export function onStuckTransaction(handler: (error: TransactionStuck) => void): void {
  onStuck = handler;
}

class PoolWaitTimedOut extends Error {
  readonly code = "pool_wait_timed_out";
  constructor(ms: number) {
    super(`no connection from the pool within ${ms} ms`);
  }
}

/**
 * `sql.reserve()`, given up after `ms`. postgres.js 3.4.9 never settled a reserve that was queued for a
 * connection the server then terminated (porsager/postgres#1195: a PostgreSQL crash or restart), and a
 * relay or consumer waiting on it waited for ever. That defect is patched (scripts/patch-dependencies.mjs);
 * the limit stays for a pool that cannot give a connection for any other reason. If the abandoned
 * reserve is granted after all, its connection goes straight back to the pool.
 */
async function reserve(sql: Sql, ms: number): Promise<ReservedSql> {
  const reserving = sql.reserve();
  const limit = timeLimit(ms, () => new PoolWaitTimedOut(ms));
  try {
    return await Promise.race([reserving, limit.expired]);
  } catch (error) {
    if (error instanceof PoolWaitTimedOut) void reserving.then((late) => late.release(), () => {});
    throw error;
  } finally {
    limit.clear();
  }
}

/** A promise that rejects with `error()` once `ms` have passed, unless `clear` is called first. */
function timeLimit(ms: number, error: () => Error): { expired: Promise<never>; clear(): void } {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), ms);
  });
  return { expired, clear: () => clearTimeout(timer) };
}
