import postgres from "postgres";
import { renderTable } from "../report/table.ts";

/** One normalized statement of one service's database, as pg_stat_statements counted it. */
export interface StatementCost {
  service: string;
  calls: number;
  totalMs: number;
  meanMs: number;
  rows: number;
  query: string;
}

const connectAdmin = (adminUrl: string) => postgres(adminUrl, { max: 1, onnotice: () => {} });

/** Creates the extension (the cluster preloads it) and forgets what setup and the raw limits ran. */
export async function resetStatements(adminUrl: string): Promise<void> {
  const sql = connectAdmin(adminUrl);
  try {
    await sql`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`;
    await sql`SELECT pg_stat_statements_reset()`;
  } finally {
    await sql.end();
  }
}

/** The `limit` statements with the most execution time in the services' databases. */
export async function topStatements(adminUrl: string, serviceOfDb: Record<string, string>, limit = 40): Promise<StatementCost[]> {
  const sql = connectAdmin(adminUrl);
  try {
    const rows = await sql<Array<{ db: string; calls: string; total: number; mean: number; rows: string; query: string }>>`
      SELECT d.datname AS db, s.calls, s.total_exec_time AS total, s.mean_exec_time AS mean, s.rows, s.query
      FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
      WHERE d.datname = ANY(${Object.keys(serviceOfDb)}::text[])
      ORDER BY s.total_exec_time DESC LIMIT ${limit}`;
    return rows.map((row) => ({
      service: serviceOfDb[row.db] ?? row.db,
      calls: Number(row.calls),
      totalMs: Math.round(row.total),
      meanMs: Math.round(row.mean * 1000) / 1000,
      rows: Number(row.rows),
      query: row.query.replace(/\s+/g, " ").slice(0, 160),
    }));
  } finally {
    await sql.end();
  }
}

export function renderStatements(statements: StatementCost[]): string {
  return `${renderTable(
    [{ header: "service" }, { header: "calls", align: "right" }, { header: "total ms", align: "right" }, { header: "mean ms", align: "right" }, { header: "rows", align: "right" }, { header: "statement" }],
    statements.map((s) => [s.service, String(s.calls), String(s.totalMs), s.meanMs.toFixed(3), String(s.rows), s.query]),
  )}\n`;
}
