#!/usr/bin/env bash
# acceptance alone, old generator (worktree) and new, interleaved; then two more flash-sale rounds
cd /work/main
acc() { (cd $1 && PATH=/work/main/.cache/nats-server-2.10:$PATH npm run bench -- ramp --acceptance-only --rate-from 1000 --rate 2000 --steps 3 --duration 30 --no-raw --quiet --tag acc-$2 --out /tmp/mem/res > /tmp/mem/acc-$2.log 2>&1); }
acc /tmp/wt-base old-r1; acc /work/main new-r1; acc /work/main new-r2; acc /tmp/wt-base old-r2
S=/work/main/docs/benchmarks/2026-12o/scripts
OUT=/tmp/mem bash $S/run.sh gen2-new-r5 >/dev/null 2>&1; TREE=/tmp/wt-base OUT=/tmp/mem bash $S/run.sh gen2-old-r5 >/dev/null 2>&1
TREE=/tmp/wt-base OUT=/tmp/mem bash $S/run.sh gen2-old-r6 >/dev/null 2>&1; OUT=/tmp/mem bash $S/run.sh gen2-new-r6 >/dev/null 2>&1
echo batch done
