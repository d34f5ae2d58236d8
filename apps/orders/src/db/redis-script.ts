import type { Redis } from "ioredis";

/**
 * A Lua script as a command of `redis` (ioredis `defineCommand`): it goes by its SHA1 (EVALSHA) once
 * the connection has seen it, as a full EVAL the first time on each connection and after a NOSCRIPT
 * (a Redis restart), and it is auto-pipelined like any other command when the client does that. A
 * plain `redis.eval` sends the whole script every time. Defining a name again with the same script is
 * harmless; with another script it throws, since an auto-pipelined call looks the name up each time
 * and would run whichever script came last.
 */
export function luaCommand<Result>(redis: Redis, name: string, lua: string, numberOfKeys = 1): (...keysAndArgs: (string | number)[]) => Promise<Result> {
  const defined = (redis as unknown as { scriptsSet: Record<string, { lua: string } | undefined> }).scriptsSet[name];
  if (defined && defined.lua !== lua) throw new Error(`the Redis command ${name} is already defined with another script`);
  redis.defineCommand(name, { lua, numberOfKeys });
  const command = (redis as unknown as Record<string, (...keysAndArgs: (string | number)[]) => Promise<Result>>)[name]!;
  return function runScript(...keysAndArgs) {
    return command.apply(redis, keysAndArgs);
  };
}
