#!/bin/bash
# usage: measure-sys.sh <dir> <tag>
cd $1
(npm run bench -- steady --rate 20 --duration 60 --no-raw --quiet --tag $2 --out /tmp/bench > /tmp/bench-$2.log 2>&1 &)
for i in $(seq 120); do pgrep -f "apps/orders/dist/main.mjs" > /dev/null && break; sleep 1; done
sleep 30
date +%s.%N > /tmp/sys-$2.start
python3 docs/benchmarks/2026-12g/count-writes.py 10 /tmp/sys-$2.txt
date +%s.%N > /tmp/sys-$2.end
while pgrep -f "apps/bench/src/main.ts steady" > /dev/null; do sleep 2; done
tail -1 /tmp/bench-$2.log
