bash docs/benchmarks/2026-12o/scripts/run.sh b1-base
bash docs/benchmarks/2026-12o/scripts/run.sh b1-arena2 --env orders.MALLOC_ARENA_MAX=2
bash docs/benchmarks/2026-12o/scripts/run.sh b1-thresh --env orders.MALLOC_MMAP_THRESHOLD_=131072 --env orders.MALLOC_TRIM_THRESHOLD_=131072
bash docs/benchmarks/2026-12o/scripts/run.sh b1-ofs --env "orders.EXTRA_NODE_FLAGS=--optimize-for-size"
bash docs/benchmarks/2026-12o/scripts/run.sh b1-nomag --env "orders.EXTRA_NODE_FLAGS=--no-maglev"
bash docs/benchmarks/2026-12o/scripts/run.sh b1-a2th --env orders.MALLOC_ARENA_MAX=2 --env orders.MALLOC_MMAP_THRESHOLD_=131072 --env orders.MALLOC_TRIM_THRESHOLD_=131072
bash docs/benchmarks/2026-12o/scripts/run.sh b1-base2
