bash docs/benchmarks/2026-12o/scripts/run.sh b7-96-r1 --env orders.CHECKOUT_MAX_IN_FLIGHT=96
bash docs/benchmarks/2026-12o/scripts/run.sh b7-256-r1
bash docs/benchmarks/2026-12o/scripts/run.sh b7-96-r2 --env orders.CHECKOUT_MAX_IN_FLIGHT=96
bash docs/benchmarks/2026-12o/scripts/run.sh b7-256-r2
bash docs/benchmarks/2026-12o/scripts/run.sh b7-96-r3 --env orders.CHECKOUT_MAX_IN_FLIGHT=96
bash docs/benchmarks/2026-12o/scripts/run.sh b7-64-r6 --env orders.CHECKOUT_MAX_IN_FLIGHT=64
