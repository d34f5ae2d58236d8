bash docs/benchmarks/2026-12o/scripts/run.sh b2-hgp20 --env "orders.EXTRA_NODE_FLAGS=--heap-growing-percent=20"
bash docs/benchmarks/2026-12o/scripts/run.sh b2-base
bash docs/benchmarks/2026-12o/scripts/run.sh b2-memsaver --env "orders.EXTRA_NODE_FLAGS=--memory-saver-mode"
bash docs/benchmarks/2026-12o/scripts/run.sh b2-hgp50 --env "orders.EXTRA_NODE_FLAGS=--heap-growing-percent=50"
bash docs/benchmarks/2026-12o/scripts/run.sh b2-hgp20a2 --env "orders.EXTRA_NODE_FLAGS=--heap-growing-percent=20" --env orders.MALLOC_ARENA_MAX=2
bash docs/benchmarks/2026-12o/scripts/run.sh b2-arena2 --env orders.MALLOC_ARENA_MAX=2
