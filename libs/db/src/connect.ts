import postgres from "postgres";

export type Sql = postgres.Sql;
export type TransactionSql = postgres.TransactionSql;

export function connect(url: string, { max = 10, application = "checkout" }: { max?: number; application?: string } = {}): Sql {
  return postgres(url, {
    max,
    idle_timeout: 30,
    connect_timeout: 10,
    backoff: reconnectBackoff,
    onnotice: () => {},
    connection: { application_name: application },
    transform: { undefined: null },
  });
}

/**
 * Seconds a closed connection waits before it connects again, after the pool's `retries` failed attempts
 * in a row (postgres.js counts them for the whole pool and starts again from 0 at the first success; it
 * takes a connection's wait when the connection closes). postgres.js's own backoff reaches 10–20 s after
 * seven: a pool of 20 gets there within the second or two a crashed or restarting PostgreSQL refuses
 * connections, and the connections that closed then stayed away that long after it was back. Capped at
 * 1–2 s here: a refused connect costs the server next to nothing.
 */
function reconnectBackoff(retries: number): number {
  return (0.5 + Math.random() / 2) * Math.min(3 ** retries / 100, 2);
}

/** PostgreSQL is up but cannot take this connection yet: too many clients, starting up or shutting down. */
const TRANSIENT = new Set(["53300", "57P03", "ECONNREFUSED", "ECONNRESET", "CONNECT_TIMEOUT"]);

/**
 * Creates the database named in `url` when it does not exist yet (connecting to `postgres` to do it).
 * A server that is restarting or full is waited for, up to `waitMs`, so that a service started beside
 * its database does not die of the race.
 */
export async function ensureDatabase(url: string, { waitMs = 60_000 }: { waitMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await createIfMissing(url);
    } catch (error) {
      const code = (error as { code?: string }).code ?? "";
      if (!TRANSIENT.has(code) || Date.now() + delay > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

async function createIfMissing(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`SELECT 1 AS present FROM pg_database WHERE datname = ${name}`;
    if (!row) {
      await sql.unsafe(`CREATE DATABASE "${name.replaceAll('"', '""')}"`).catch((error: { code?: string }) => {
        if (error.code !== "42P04") throw error; // created meanwhile by another instance
      });
    }
  } finally {
    await sql.end();
  }
}
