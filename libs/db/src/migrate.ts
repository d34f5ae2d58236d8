import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Sql } from "./connect.ts";

/**
 * Applies the `*.sql` files of each folder, in name order, once each. Several instances may start at
 * the same time: an advisory lock lets one migrate while the others wait.
 */
export async function migrate(sql: Sql, folders: string[]): Promise<string[]> {
  const files = folders.flatMap((folder) =>
    readdirSync(folder)
      .filter((name) => name.endsWith(".sql"))
      .sort()
      .map((name) => ({ name, path: join(folder, name) })),
  );
  const applied: string[] = [];
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(hashtext('checkout.migrations'))`;
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`;
    const done = new Set((await tx`SELECT name FROM schema_migrations`).map((row) => row.name as string));
    for (const file of files) {
      if (done.has(file.name)) continue;
      await tx.unsafe(readFileSync(file.path, "utf8"));
      await tx`INSERT INTO schema_migrations (name) VALUES (${file.name})`;
      applied.push(file.name);
    }
  });
  return applied;
}
