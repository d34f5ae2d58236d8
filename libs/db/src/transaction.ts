import type { Sql, TransactionSql } from "./connect.ts";
import { withConnection, type Limits, type ReservedSql } from "./with-connection.ts";

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
