// Copy it to the repository root and run it there: node --import tsx pool-after-crash.ts 4 (its imports are
// relative to the root). After a PostgreSQL crash under load, how soon does a pool of libs/db's connect()
// have all of its connections again? Results of this session: pool-after-crash.txt beside it.
import { startPostgresCluster } from "./libs/testing/src/postgres-cluster.ts";
import { connect, transaction } from "./libs/db/src/index.ts";

const rounds = Number(process.argv[2] ?? 3);
const cluster = await startPostgresCluster();
/** how many of `n` reserves asked for at once are granted within `ms` */
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
  const back = performance.now();
  await new Promise((r) => setTimeout(r, 2_000));
  stopped = true;
  await Promise.all(loops);
  // all four connections at once: how long after PostgreSQL came back
  const asked = performance.now();
  const granted = await grantable(pool, 4, 30_000);
  console.log(JSON.stringify({ round, granted, allFourAfterBackS: Number(((performance.now() - back) / 1000).toFixed(1)), waitedS: Number(((performance.now() - asked) / 1000).toFixed(1)) }));
  await pool.end({ timeout: 1 });
}
await cluster.stop();
process.exit(0);
