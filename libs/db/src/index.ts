export { connect, ensureDatabase, type Sql, type TransactionSql } from "./connect.ts";
export { migrate } from "./migrate.ts";
export { CommittedDespiteFailure, onStuckTransaction, transaction, TransactionRolledBack, TransactionStuck, withConnection, type Limits, type Pipelined, type ReservedSql } from "./transaction.ts";
export { createBatcher, type Batcher } from "./batcher.ts";
