#!/usr/bin/env python3
"""strace the services' writes for N seconds; print writes by peer kind per service."""
import subprocess, sys, re, collections, os, signal, time
secs = float(sys.argv[1]); out = sys.argv[2]
names = ["orders", "inventory", "payments", "shipping", "notifications"]
pids = {}
for n in names:
    r = subprocess.run(["pgrep", "-f", f"apps/{n}/dist/main.mjs"], capture_output=True, text=True).stdout.split()
    if r: pids[n] = r[0]
procs = {n: subprocess.Popen(["strace", "-f", "-qq", "-e", "trace=write,writev", "-p", p, "-o", f"/tmp/st-{n}.txt"]) for n, p in pids.items()}
time.sleep(secs)
for p in procs.values(): p.send_signal(signal.SIGINT)
for p in procs.values(): p.wait()
res = {}
for n in pids:
    c = collections.Counter()
    for l in open(f"/tmp/st-{n}.txt"):
        m = re.match(r'\d+\s+(write|writev)\((\d+), (.{0,14})', l)
        if not m: continue
        s = m.group(3)
        if m.group(1) == "writev" and "HTTP" in l[:120]: k = "http"
        elif re.match(r'"[BPQESDCXH]\\0', s): k = "pg"
        elif s.startswith(('"PUB', '"HPUB', '"SUB', '"UNSUB', '"PING', '"PONG', '"CONNECT')): k = "nats"
        elif s.startswith('"*'): k = "redis"
        elif s.startswith('"HTTP'): k = "http"
        elif s.startswith('"\\1\\0\\0\\0\\0\\0\\0\\0') : k = "eventfd"
        else: k = "other"
        c[k] += 1
    res[n] = c
kinds = ["pg", "nats", "redis", "http", "other"]
with open(out, "w") as f:
    f.write("service        " + "".join(f"{k:>8}" for k in kinds) + "\n")
    for n, c in res.items(): f.write(f"{n:<15}" + "".join(f"{c[k]:>8}" for k in kinds) + "\n")
    tot = collections.Counter()
    for c in res.values(): tot.update(c)
    f.write(f"{'total':<15}" + "".join(f"{tot[k]:>8}" for k in kinds) + "\n")
print(open(out).read())
