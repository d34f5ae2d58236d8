import { afterAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { luaCommand } from "./redis-script.ts";

// No connection is made: defining a command is bookkeeping in the client.
const redis = new Redis({ lazyConnect: true });
afterAll(() => redis.disconnect());

describe("luaCommand", () => {
  it("takes the same script under a name again, and refuses another one", () => {
    luaCommand(redis, "same", "return 1");
    expect(() => luaCommand(redis, "same", "return 1")).not.toThrow();
    expect(() => luaCommand(redis, "same", "return 2")).toThrow("the Redis command same is already defined with another script");
  });
});
