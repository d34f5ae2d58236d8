export { connect, ensureDatabase, type Sql, type TransactionSql } from "./connect.ts";
export { migrate } from "./migrate.ts";
