import { describe, expect, it } from "vitest";
import { createCircuitBreaker } from "./circuit-breaker.ts";

describe("circuit breaker", () => {
  it("opens after consecutive failures, half-opens after the cooldown, closes on success", () => {
    let t = 0;
    const breaker = createCircuitBreaker({ threshold: 3, cooldownMs: 1_000, now: () => t });
    breaker.failure();
    breaker.failure();
    expect(breaker.isOpen()).toBe(false);
    breaker.failure();
    expect(breaker.state()).toBe("open");
    t = 1_001;
    expect(breaker.state()).toBe("half-open");
    breaker.failure();
    expect(breaker.isOpen()).toBe(true);
    t = 2_500;
    breaker.success();
    expect(breaker.state()).toBe("closed");
  });
});
