for r in 1 2; do
bash docs/benchmarks/2026-12o/scripts/run.sh b5-256-r$r
bash docs/benchmarks/2026-12o/scripts/run.sh b5-64-r$r --env orders.CHECKOUT_MAX_IN_FLIGHT=64
bash docs/benchmarks/2026-12o/scripts/run.sh b5-128-r$r --env orders.CHECKOUT_MAX_IN_FLIGHT=128
done
