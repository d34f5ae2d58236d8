// Latency and fault settings: set at start (options) and changed at run time (POST /_sim/config).

export interface SimConfig {
  /** Added processing time for every /v1 request that reaches an endpoint. */
  latencyMs: number;
  /** Extra random 0..jitterMs on top of latencyMs. */
  jitterMs: number;
  /** Probability (0..1) of a 500 api_error before anything happens. */
  failureRate: number;
  /** Probability of a 429 rate_limit before anything happens. */
  rateLimitRate: number;
  /** Probability of never answering: the socket is closed after hangMs (or when the client gives up). */
  timeoutRate: number;
  /** Probability of applying the request and then answering 500 anyway (the response is "lost"). */
  failAfterCommitRate: number;
  /** Every /v1 request answers 503. */
  outage: boolean;
  hangMs: number;
  /** Stop injecting rate-based faults after this many since the last config change (null = no limit). */
  maxFaults: number | null;
}

export const defaultSimConfig: Readonly<SimConfig> = {
  latencyMs: 0,
  jitterMs: 0,
  failureRate: 0,
  rateLimitRate: 0,
  timeoutRate: 0,
  failAfterCommitRate: 0,
  outage: false,
  hangMs: 30_000,
  maxFaults: null,
};

export class SimConfigError extends Error {
  override readonly name = "SimConfigError";
  readonly code = "invalid_sim_config";
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

type Check = (value: unknown) => boolean;
const isDuration: Check = (v) => typeof v === "number" && Number.isFinite(v) && v >= 0;
const isRate: Check = (v) => typeof v === "number" && v >= 0 && v <= 1;
const checks: Record<keyof SimConfig, [Check, string]> = {
  latencyMs: [isDuration, "a number of milliseconds >= 0"],
  jitterMs: [isDuration, "a number of milliseconds >= 0"],
  hangMs: [isDuration, "a number of milliseconds >= 0"],
  failureRate: [isRate, "a probability between 0 and 1"],
  rateLimitRate: [isRate, "a probability between 0 and 1"],
  timeoutRate: [isRate, "a probability between 0 and 1"],
  failAfterCommitRate: [isRate, "a probability between 0 and 1"],
  outage: [(v) => typeof v === "boolean", "a boolean"],
  maxFaults: [(v) => v === null || (Number.isSafeInteger(v) && (v as number) >= 0), "an integer >= 0 or null"],
};

/** Validates a partial config (from options or JSON) and merges it over `base`. */
export function mergeSimConfig(base: SimConfig, patch: unknown): SimConfig {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) throw new SimConfigError("config must be a JSON object");
  const next: Record<string, unknown> = { ...base };
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(checks, field)) throw new SimConfigError(`unknown config field "${field}"`, field);
    const [check, expected] = checks[field as keyof SimConfig];
    if (!check(value)) throw new SimConfigError(`${field} must be ${expected}, got ${JSON.stringify(value)}`, field);
    next[field] = value;
  }
  return next as unknown as SimConfig;
}

export interface ConfigState {
  get(): SimConfig;
  set(patch: unknown): SimConfig;
  /** Back to the start-up configuration. */
  restore(): SimConfig;
  /** Counts one injected fault against maxFaults; false when the budget is spent. */
  takeFault(): boolean;
}

export function createConfigState(initial: SimConfig): ConfigState {
  let current = initial;
  let injected = 0;
  return {
    get: function get() {
      return current;
    },
    set: function set(patch) {
      current = mergeSimConfig(current, patch);
      injected = 0;
      return current;
    },
    restore: function restore() {
      current = initial;
      injected = 0;
      return current;
    },
    takeFault: function takeFault() {
      if (current.maxFaults !== null && injected >= current.maxFaults) return false;
      injected++;
      return true;
    },
  };
}
