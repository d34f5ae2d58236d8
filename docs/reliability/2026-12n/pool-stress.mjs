import postgres from "postgres";
const url = process.env.DATABASE_URL ?? "postgres://root@127.0.0.1:5432/test";
const max = Number(process.argv[2] ?? 4), seconds = Number(process.argv[3] ?? 10), endEarly = process.argv[4] === "end";
const killer = postgres(url, { max: 1 });
const pool = postgres(url, { max, onnotice: () => {} });
const within = (ms, p) => Promise.race([p, new Promise(r => setTimeout(() => r("pending"), ms))]);
const outcomes = {}; const note = k => outcomes[k] = (outcomes[k] ?? 0) + 1;
let stop = false; const stuck = [];
async function task(i) {
  while (!stop) {
    const kind = i % 4;
    const started = Date.now();
    const p = (async () => {
      if (kind === 0) { await pool`select pg_sleep(0.01)`; }
      else if (kind === 1) { const r = await pool.reserve(); try { await r`select pg_sleep(0.01)`; await r`select 1`; } finally { r.release(); } }
      else if (kind === 2) { await pool.begin(async tx => { await tx`select pg_sleep(0.01)`; await tx`select ${i}::int`; }); }
      else { const r = await pool.reserve(); try { await Promise.all([r`select ${1}::int`, r`select 2`, r`select pg_sleep(0.02)`]); } finally { r.release(); } }
    })();
    const res = await within(20000, p.then(() => "ok", e => "err:" + (e.code ?? e.message)));
    note(`${kind}:${res === "pending" ? "STUCK" : res.startsWith("err") ? res : "ok"}`);
    if (res === "pending") stuck.push(kind);
  }
}
const tasks = Array.from({ length: 40 }, (_, i) => task(i));
const t0 = Date.now();
while (Date.now() - t0 < seconds * 1000) {
  await new Promise(r => setTimeout(r, 100 + Math.random() * 300));
  const pids = await killer`select pid from pg_stat_activity where datname = 'test' and pid <> pg_backend_pid() and application_name = 'stress'`.catch(() => []);
  if (pids.length) { const pid = pids[Math.floor(Math.random() * pids.length)].pid; await killer`select pg_terminate_backend(${pid})`.catch(() => {}); note("killed"); }
}
if (endEarly) {
  // end the pool with the tasks' last statements still in flight: end() must resolve, and every task must settle
  stop = true;
  const ended = await within(30000, pool.end().then(() => "ended"));
  const settled = await within(30000, Promise.all(tasks).then(() => "settled"));
  console.log(JSON.stringify({ max, endEarly, outcomes, stuck: stuck.length, end: ended, tasks: settled }));
  await killer.end();
  process.exit(0);
}
stop = true;
await within(30000, Promise.all(tasks));
// every connection still usable: max simultaneous reserves
await new Promise(r => setTimeout(r, 3000));
const rs = await within(15000, Promise.all(Array.from({ length: max }, () => pool.reserve())));
console.log(JSON.stringify({ max, outcomes, stuck: stuck.length, allReserved: rs === "pending" ? "NO" : rs.length }));
if (rs !== "pending") rs.forEach(r => r.release());
const e = await within(5000, pool.end({ timeout: 2 }).then(() => "ended"));
console.log("end:", e);
await killer.end();
process.exit(0);
