// @checkout/bench: the benchmark as a library (main.ts is the command line).
export { DEFAULTS, SCENARIOS, parseEnvOverride, type BenchOptions, type Scenario } from "./options.ts";
export { runBench } from "./run/bench.ts";
export { planRun, CATALOG_SKUS, FLASH_SKU, type Plan, type PlannedOrder, type Intent } from "./plan/plan.ts";
export { scheduleArrivals, rampPhases, type Phase, type Schedule } from "./load/schedule.ts";
export { percentile, histogram, summarize, createRecorder, type LatencySummary } from "./stats/latency.ts";
export { checkResultShape, RESULT_SCHEMA, type BenchResult, type RatePoint, type TargetResult } from "./report/result.ts";
export { renderSummary } from "./report/summary.ts";
export { renderChart } from "./report/chart.ts";
export { saveResult } from "./report/files.ts";
export { startBaseline } from "./baseline/server.ts";
