// Copy it to the repository root and run it there: node --import tsx pool-after-crash.ts 8 (its imports
// are relative to the root). Results of this session: pool-after-crash.txt beside it.
// After a PostgreSQL crash under load, does the pool get all of its connections back (after the driver's reconnect backoff)?
import { startPostgresCluster } from "./libs/testing/src/postgres-cluster.ts";
import { connect, transaction } from "./libs/db/src/index.ts";

const rounds = Number(process.argv[2] ?? 3);
const cluster = await startPostgresCluster();
async function grantable(pool: any, n: number, ms: number) {
  const tries = Array.from({ length: n }, () => pool.reserve());
  const grants = await Promise.all(tries.map((t: Promise<any>) => Promise.race([t, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms))])));
  tries.forEach((t: Promise<any>, i: number) => { if (!grants[i]) void t.then((late: any) => late.release(), () => {}); });
  for (const g of grants) g?.release();
  return grants.filter(Boolean).length;
}
for (let round = 0; round < rounds; round++) {
  const pool = connect(cluster.adminUrl, { max: 4 });
  let stopped = false;
  const loops = Array.from({ length: 8 }, async () => {
    while (!stopped) {
      try { await transaction(pool, async (tx) => tx`SELECT pg_sleep(0.01)`, { reserveTimeoutMs: 3_000 }); } catch { await new Promise((r) => setTimeout(r, 20)); }
    }
  });
  await new Promise((r) => setTimeout(r, 1000 + Math.random() * 1000));
  await cluster.crash();
  await new Promise((r) => setTimeout(r, 300 + Math.random() * 1500));
  await cluster.start();
  await new Promise((r) => setTimeout(r, 5_000));
  stopped = true;
  await Promise.all(loops);
  const at5s = await grantable(pool, 4, 3_000);
  await new Promise((r) => setTimeout(r, 30_000));
  const at38s = await grantable(pool, 4, 25_000);
  console.log(JSON.stringify({ round, at5s, at38s }));
  await pool.end({ timeout: 1 });
}
await cluster.stop();
process.exit(0);
