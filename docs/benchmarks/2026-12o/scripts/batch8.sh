for r in 4 5; do
bash docs/benchmarks/2026-12o/scripts/run.sh b4-regexp-r$r
TREE=/tmp/wt-base bash docs/benchmarks/2026-12o/scripts/run.sh b4-base-r$r
done
