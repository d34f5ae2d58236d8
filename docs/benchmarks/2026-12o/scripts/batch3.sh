bash docs/benchmarks/2026-12o/scripts/run.sh b3-minorms1 --env "orders.EXTRA_NODE_FLAGS=--minor-ms"
bash docs/benchmarks/2026-12o/scripts/run.sh b3-base1
bash docs/benchmarks/2026-12o/scripts/run.sh b3-minorms2 --env "orders.EXTRA_NODE_FLAGS=--minor-ms"
bash docs/benchmarks/2026-12o/scripts/run.sh b3-base2
