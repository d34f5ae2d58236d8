// Categorizes a process's anonymous memory by mapping: glibc main heap, glibc thread arenas (64 MB-aligned
// reservations), V8-ish (256 KB multiples), stacks, other. Usage: node smapscat.mjs <smaps file>
import { readFileSync } from "node:fs";
const text = readFileSync(process.argv[2], "utf8");
const maps = [];
let cur;
for (const line of text.split("\n")) {
  const m = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ (\d+)\s*(.*)$/.exec(line);
  if (m) { cur = { start: BigInt("0x" + m[1]), end: BigInt("0x" + m[2]), perms: m[3], inode: m[4], name: m[5], rss: 0, anon: 0 }; maps.push(cur); continue; }
  const k = /^(Rss|Anonymous):\s+(\d+) kB/.exec(line);
  if (k && cur) cur[k[1] === "Rss" ? "rss" : "anon"] = Number(k[2]);
}
const cats = {};
const add = (c, m) => { cats[c] ??= { n: 0, rssKB: 0, anonKB: 0 }; cats[c].n++; cats[c].rssKB += m.rss; cats[c].anonKB += m.anon; };
const MB64 = 64n << 20n;
for (let i = 0; i < maps.length; i++) {
  const m = maps[i];
  if (m.anon === 0 && m.rss === 0) continue;
  const size = m.end - m.start;
  if (m.inode !== "0") { add(m.name.includes("node") ? "file:node" : "file:other", m); continue; }
  if (m.name === "[heap]") { add("glibc main heap", m); continue; }
  if (m.name === "[stack]") { add("stack", m); continue; }
  if (m.name) { add("named " + m.name, m); continue; }
  // a thread arena: starts at a 64 MB boundary, followed (maybe) by its ---p remainder up to 64 MB
  if (m.start % MB64 === 0n && m.perms.startsWith("rw")) {
    const next = maps[i + 1];
    const total = next && next.start === m.end && next.perms.startsWith("---") ? next.end - m.start : size;
    if (total === MB64) { add("glibc thread arena", m); continue; }
  }
  if (size % (256n << 10n) === 0n) add(`anon ${size % (1n << 20n) === 0n ? "MB-multiple" : "256K-multiple"}`, m);
  else add("anon other", m);
}
const out = Object.entries(cats).sort((a, b) => b[1].rssKB - a[1].rssKB);
for (const [c, v] of out) console.log(c.padEnd(24), String(v.n).padStart(5), (v.rssKB / 1024).toFixed(1).padStart(8), "MB rss", (v.anonKB / 1024).toFixed(1).padStart(8), "MB anon");
console.log("total rss", (maps.reduce((s, m) => s + m.rss, 0) / 1024).toFixed(1));
