#!/usr/bin/env bash
# batch-gen.sh <prefix>: the load generator before this session (a worktree at 7003ccb, /tmp/wt-base) against
# the new one (this checkout), four rounds of the warm flash sale, the order alternating per round.
# Ran as `gen` (the first version of the new fetch, 5f2774e) and `gen2` (after the review, 7d49330).
p=${1:-gen}
S=/work/main/docs/benchmarks/2026-12o/scripts
for r in 1 2 3 4; do
  if [ $((r % 2)) -eq 1 ]; then
    TREE=/tmp/wt-base OUT=/tmp/mem bash $S/run.sh $p-old-r$r >/dev/null 2>&1
    OUT=/tmp/mem bash $S/run.sh $p-new-r$r >/dev/null 2>&1
  else
    OUT=/tmp/mem bash $S/run.sh $p-new-r$r >/dev/null 2>&1
    TREE=/tmp/wt-base OUT=/tmp/mem bash $S/run.sh $p-old-r$r >/dev/null 2>&1
  fi
done
