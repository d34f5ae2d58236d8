import type { Sql, TransactionSql } from "./connect.ts";

export interface Pipelined {
  /**
   * A statement whose result the caller does not need before the commit: it is not waited for, and
   * travels with whatever is sent next (at the latest the COMMIT), so it costs no round trip of its own.
   * PostgreSQL still runs it in the order it was sent, before anything sent after it. If it fails, the
   * transaction is rolled back and `transaction` throws its error; until then its failure is not an
   * unhandled rejection.
   *
   * Hand it a postgres.js query, or an async function that sends its statements before its first
   * `await` and fails only when one of them fails. A check in JavaScript after the statement cannot
   * stop the commit: its rejection arrives with the COMMIT's answer, and `transaction` then throws
   * CommittedDespiteFailure. Make such a check fail in SQL instead.
   */
  later<T>(statement: Promise<T>): void;
}

/** COMMIT was answered with a rollback: a statement of the transaction had failed (and its error was caught). */
export class TransactionRolledBack extends Error {
  readonly code = "transaction_rolled_back";
  constructor(command: string | undefined) {
    super(`the transaction was rolled back (COMMIT answered ${command ?? "nothing"}): one of its statements failed`);
  }
}

/**
 * The transaction committed, yet a promise handed to `later` rejected: a failure in JavaScript, not in
 * PostgreSQL (a check after the statement, or a throw before it was sent). A bug in that promise's
 * code; everything the transaction sent is committed.
 */
export class CommittedDespiteFailure extends Error {
  readonly code = "committed_despite_failure";
  constructor(readonly failure: unknown) {
    super(`the transaction committed, but a promise handed to later() rejected in JavaScript: ${(failure as Error)?.message ?? String(failure)}`, { cause: failure });
  }
}

export type ReservedSql = Awaited<ReturnType<Sql["reserve"]>>;

/** how long a transaction waits for a connection of the pool (postgres.js's own connect timeout is 30 s) */
const RESERVE_TIMEOUT_MS = 30_000;

class PoolWaitTimedOut extends Error {
  readonly code = "pool_wait_timed_out";
  constructor(ms: number) {
    super(`no connection from the pool within ${ms} ms`);
  }
}

/**
 * `sql.reserve()`, given up after `ms`. postgres.js 3.4.9 never settles a reserve that was queued for a
 * connection the server then terminated (porsager/postgres#1195: a PostgreSQL crash or restart; not
 * patched, see scripts/patch-dependencies.mjs), and a relay or consumer waiting on it would wait for
 * ever. If the abandoned reserve is granted after all, its connection goes straight back to the pool.
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

/** how long a transaction may take from its BEGIN to its COMMIT's answer before it counts as stuck */
const DEADLINE_MS = 60_000;

/**
 * A transaction that has not settled by its deadline: a consumer or relay awaiting it would otherwise stop
 * for ever. postgres.js 3.4.9 left a statement waiting in a transaction's queue pending for ever when the
 * connection died (porsager/postgres#1186: a PostgreSQL crash or restart); that one is patched
 * (scripts/patch-dependencies.mjs), and the deadline stays as the backstop for any stall of its kind.
 */
export class TransactionStuck extends Error {
  readonly code = "transaction_stuck";
  constructor(ms: number, what = "the transaction") {
    super(`${what} did not settle within ${ms} ms: a statement of it was never answered`);
  }
}

let onStuck: (error: TransactionStuck) => void = () => {};

/**
 * What the process does when a transaction is stuck, besides the TransactionStuck its caller gets. The
 * stuck connection is never handed back to the pool (it may still be running the statement, or be in a
 * state nobody knows), so the pool is one connection short from then on; a service exits and its
 * supervisor starts it with a fresh pool (stopOnSignals in libs/messaging). Nothing is lost: nothing
 * of the transaction was acked, and its messages are delivered again.
 */
export function onStuckTransaction(handler: (error: TransactionStuck) => void): void {
  onStuck = handler;
}

/**
 * A transaction with fewer round trips than `sql.begin`: BEGIN travels with the first statement, and the
 * statements handed to `later` are not waited for: they travel with the next statement or the COMMIT.
 * On this machine a round trip to PostgreSQL costs
 * far more CPU than the statements in it (docs/benchmarks.md), so a step of a saga that writes, emits
 * and commits pays for two or three instead of five or six.
 *
 * The same guarantees as `sql.begin`: everything commits or nothing does; an error in `fn` or in any
 * statement rolls back and is rethrown; the connection goes back to the pool outside any transaction.
 * Statements may be issued side by side (postgres.js pipelines them on the one connection, and
 * PostgreSQL runs them in the order they were sent). A transaction that has not settled after
 * `deadlineMs` (60 s) rejects with TransactionStuck (see onStuckTransaction).
 */
export function transaction<T>(sql: Sql, fn: (tx: TransactionSql, pipelined: Pipelined) => Promise<T>, limits: Limits = {}): Promise<T> {
  return withConnection(sql, (connection) => run(connection, fn), { ...limits, what: "the transaction" });
}

export interface Limits {
  /** how long to wait for a connection of the pool (30 s) */
  reserveTimeoutMs?: number;
  /** how long the work may take once it has its connection (60 s) */
  deadlineMs?: number;
}

/**
 * `fn` on a connection of the pool taken for it alone, with no transaction around it (each statement
 * commits by itself), under the same two limits as `transaction`: PoolWaitTimedOut when no connection
 * comes within `reserveTimeoutMs`, TransactionStuck (reported to onStuckTransaction) when `fn` has not
 * settled within `deadlineMs`. For a loop that must never wait for ever on a plain pool query, such as a
 * worker's claim: postgres.js has no time limit of its own on either wait.
 */
export async function withConnection<T>(
  sql: Sql,
  fn: (connection: ReservedSql) => Promise<T>,
  { reserveTimeoutMs = RESERVE_TIMEOUT_MS, deadlineMs = DEADLINE_MS, what = "the work on a reserved connection" }: Limits & { what?: string } = {},
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

/** The transaction itself, on a reserved connection that the caller releases. */
async function run<T>(tx: ReservedSql, fn: (tx: TransactionSql, pipelined: Pipelined) => Promise<T>): Promise<T> {
  const deferred: Array<Promise<unknown>> = [];
  const begun = tx`BEGIN`.execute(); // postgres.js sends a query when it is awaited or executed: now, with what follows
  begun.catch(() => {}); // its failure is read below; meanwhile (fn awaiting something else) it is not an unhandled rejection
  let open = true;
  try {
    const later = (statement: Promise<unknown>) => {
      statement.catch(() => {}); // read with the COMMIT below (for a postgres.js query this also sends it now)
      deferred.push(statement);
    };
    const result = await fn(tx as unknown as TransactionSql, { later });
    const commit = tx`COMMIT`;
    const settled = await Promise.allSettled([begun, ...deferred, commit]);
    open = false;
    const failure = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
    const answer = settled.at(-1)!;
    // a promise handed to later rejected although PostgreSQL ran its statement and committed: a check
    // in JavaScript after the statement, which later cannot honour (see Pipelined.later)
    if (failure && answer.status === "fulfilled" && (answer.value as { command?: string }).command === "COMMIT") throw new CommittedDespiteFailure(failure.reason);
    // a statement that failed aborted the transaction: PostgreSQL answered the COMMIT with a rollback
    if (failure) throw failure.reason;
    const committed = answer as PromiseFulfilledResult<{ command?: string }>;
    // the same when the failed statement's error was caught inside fn
    if (committed.value.command !== "COMMIT") throw new TransactionRolledBack(committed.value.command);
    return result;
  } catch (error) {
    if (open) {
      await Promise.allSettled([begun, ...deferred]);
      await tx`ROLLBACK`.catch(() => {});
    }
    throw error;
  }
}
