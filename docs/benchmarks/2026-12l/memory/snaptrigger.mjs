// when orders' old space passes argv[2] MB, send SIGUSR2 to it (once)
import { execSync } from "node:child_process";
const limit = Number(process.argv[2] ?? 40) * 1048576;
function find() {
  for (const line of execSync("ss -ltnpH", { encoding: "utf8" }).split("\n")) {
    const m = /:(\d+)\s.*pid=(\d+)/.exec(line); if (!m) continue;
    try { if (execSync(`tr '\\0' ' ' < /proc/${m[2]}/cmdline`, { encoding: "utf8" }).includes("apps/orders/dist")) return [m[1], m[2]]; } catch {}
  }
}
let target;
const t = setInterval(async () => {
  try {
    target ??= find(); if (!target) return;
    const text = await (await fetch(`http://127.0.0.1:${target[0]}/metrics`)).text();
    const old = Number(/nodejs_heap_space_size_used_bytes\{space="old"[^}]*\} (\S+)/.exec(text)?.[1]);
    if (old > limit) { process.kill(Number(target[1]), "SIGUSR2"); console.log("signalled", target, old / 1048576); clearInterval(t); process.exit(0); }
  } catch { target = undefined; }
}, 100);
setTimeout(() => process.exit(1), 400000);
