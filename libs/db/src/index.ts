export { connect, ensureDatabase, type Sql, type TransactionSql } from "./connect.ts";
export { migrate } from "./migrate.ts";
export { CommittedDespiteFailure, onStuckTransaction, transaction, TransactionRolledBack, TransactionStuck, type Pipelined } from "./transaction.ts";
export { createBatcher, type Batcher } from "./batcher.ts";
