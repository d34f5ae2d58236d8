#!/bin/bash
# Counts each service's writes (PostgreSQL, NATS, Redis, HTTP) for 10 s in the middle of a steady
# 20/s bench run of the checkout at <checkout> (this one, or a worktree of an older commit).
# usage: bash docs/benchmarks/2026-12g/count-writes.sh <checkout> <tag>   (needs strace; as root)
set -euo pipefail
counter="$(cd "$(dirname "$0")" && pwd)/count-writes.py"
cd "$1"
(npm run bench -- steady --rate 20 --duration 60 --no-raw --quiet --tag "$2" --out /tmp/bench > "/tmp/bench-$2.log" 2>&1 &)
for _ in $(seq 120); do pgrep -f "apps/orders/dist/main.mjs" > /dev/null && break; sleep 1; done
sleep 30 # the load has started: carts are made before the clock starts
python3 "$counter" 10 "/tmp/writes-$2.txt"
while pgrep -f "apps/bench/src/main.ts steady" > /dev/null; do sleep 2; done
tail -1 "/tmp/bench-$2.log"
