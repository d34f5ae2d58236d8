for r in 1 2 3; do
TREE=/tmp/wt-base bash docs/benchmarks/2026-12o/scripts/run.sh b4-base-r$r
bash docs/benchmarks/2026-12o/scripts/run.sh b4-regexp-r$r
done
