import { describe, expect, it } from "vitest";
import { baseConfig, ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig } from "./index.ts";

const REAL_SECRET = "a-real-secret-with-more-than-32-characters";

describe("AUTH_JWT_SECRET", () => {
  it("defaults to the development secret outside production", () => {
    expect(loadConfig(baseConfig, {}).AUTH_JWT_SECRET).toBe(DEVELOPMENT_JWT_SECRET);
    expect(loadConfig(baseConfig, { NODE_ENV: "test" }).AUTH_JWT_SECRET).toBe(DEVELOPMENT_JWT_SECRET);
    expect(loadConfig(baseConfig, { AUTH_JWT_SECRET: REAL_SECRET }).AUTH_JWT_SECRET).toBe(REAL_SECRET);
  });

  it("is required in production: missing (or the development one) stops start-up with a message naming it", () => {
    for (const env of [{ NODE_ENV: "production" }, { NODE_ENV: "production", AUTH_JWT_SECRET: DEVELOPMENT_JWT_SECRET }]) {
      expect(() => loadConfig(baseConfig, env)).toThrow(ConfigError);
      expect(() => loadConfig(baseConfig, env)).toThrow(/AUTH_JWT_SECRET: is required when NODE_ENV=production/);
    }
    expect(loadConfig(baseConfig, { NODE_ENV: "production", AUTH_JWT_SECRET: REAL_SECRET }).AUTH_JWT_SECRET).toBe(REAL_SECRET);
  });

  it("must be at least 32 characters", () => {
    expect(() => loadConfig(baseConfig, { AUTH_JWT_SECRET: "short" })).toThrow(/AUTH_JWT_SECRET: must be at least 32 characters/);
  });

  it("leaves baseConfig pickable and extendable", () => {
    const picked = baseConfig.pick({ NODE_ENV: true, AUTH_JWT_SECRET: true });
    expect(() => loadConfig(picked, { NODE_ENV: "production" })).toThrow(/AUTH_JWT_SECRET/);
    expect(loadConfig(baseConfig.extend({ PORT: baseConfig.shape.HOST }), {}).AUTH_JWT_SECRET).toBe(DEVELOPMENT_JWT_SECRET);
  });
});
