// sql.end() and a reserve() waiting for a connection the server ends: does end() resolve, and what becomes
// of the waiting reserve() and a query queued behind it? end() is called 0-500 ms after the server ended
// the busy connection, or (before) just before it.
import postgres from "postgres";
const url = process.env.DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";
const within = (ms, p) => Promise.race([p, new Promise((r) => setTimeout(() => r("pending"), ms))]);
const settle = (p) => p.then((x) => (x?.release ? (x.release(), "reserved") : "ok"), (e) => `rejected ${e.code ?? e.message}`);
const other = postgres(url, { max: 1 });
const backends = async () => (await other`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'end-while-waiting'`)[0].n;
for (const when of ["before", 0, 5, 50, 500]) {
  const pool = postgres(url, { max: 1, connection: { application_name: "end-while-waiting" } });
  const busy = await pool.reserve();
  const pid = (await busy`SELECT pg_backend_pid() AS pid`)[0].pid;
  const waiting = settle(pool.reserve());
  const queued = settle(pool`SELECT 1`);
  await new Promise((r) => setTimeout(r, 50));
  let ended;
  if (when === "before") ended = within(5000, pool.end().then(() => "ended"));
  await other`SELECT pg_terminate_backend(${pid})`;
  if (when !== "before") {
    await new Promise((r) => setTimeout(r, when));
    ended = within(5000, pool.end().then(() => "ended"));
  }
  const end = await ended;
  const result = { endCalled: when === "before" ? "before the server ended it" : `${when} ms after`, end, waitingReserve: await within(1000, waiting), queuedQuery: await within(1000, queued) };
  await new Promise((r) => setTimeout(r, 500));
  console.log(JSON.stringify({ ...result, serverProcessesLeft: await backends() }));
  await pool.end({ timeout: 0 });
}
await other.end();
process.exit(0);
