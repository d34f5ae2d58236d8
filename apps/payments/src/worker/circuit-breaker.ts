/**
 * Opens after `threshold` consecutive provider failures and stays open for `cooldownMs`; then lets calls
 * through again (half-open): one success closes it, one failure opens it for another cooldown.
 */
export function createCircuitBreaker({ threshold = 5, cooldownMs = 5_000, now = () => Date.now() } = {}) {
  let failures = 0;
  let openUntil = 0;
  return {
    isOpen: () => now() < openUntil,
    success() {
      failures = 0;
      openUntil = 0;
    },
    failure() {
      failures += 1;
      if (failures >= threshold) openUntil = now() + cooldownMs;
    },
    state: () => (now() < openUntil ? "open" : failures >= threshold ? "half-open" : "closed"),
  };
}
export type CircuitBreaker = ReturnType<typeof createCircuitBreaker>;
