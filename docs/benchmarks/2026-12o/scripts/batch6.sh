for r in 3 4 5; do
bash docs/benchmarks/2026-12o/scripts/run.sh b5-64-r$r --env orders.CHECKOUT_MAX_IN_FLIGHT=64
bash docs/benchmarks/2026-12o/scripts/run.sh b5-256-r$r
done
