export { connect, ensureDatabase, type Sql, type TransactionSql } from "./connect.ts";
export { migrate } from "./migrate.ts";
export { CommittedDespiteFailure, transaction, TransactionRolledBack, type Pipelined } from "./transaction.ts";
export { onStuckTransaction, TransactionStuck, withConnection, type Limits, type ReservedSql } from "./with-connection.ts";
export { createBatcher, type Batcher } from "./batcher.ts";
