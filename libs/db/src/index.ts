export { connect, ensureDatabase, type Sql, type TransactionSql } from "./connect.ts";
export { migrate } from "./migrate.ts";
export { transaction, TransactionRolledBack, type Pipelined } from "./transaction.ts";
export { createBatcher, type Batcher } from "./batcher.ts";
