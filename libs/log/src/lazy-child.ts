import type { Logger } from "pino";

/**
 * A child logger that is only built when something is logged at an enabled level. pino's `child()`
 * serializes and redacts its bindings at once, which per message or request cost more than the work
 * itself (`@pinojs/redact` and `asChindings` in the profiles), while most of them log nothing.
 */
export function lazyChild(parent: Logger, bindings: Record<string, unknown>): Logger {
  let child: Logger | undefined;
  const real = () => (child ??= parent.child(bindings));
  const level = (name: "trace" | "debug" | "info" | "warn" | "error" | "fatal") =>
    function log(this: unknown, ...args: unknown[]) {
      if (!parent.isLevelEnabled(name)) return;
      (real()[name] as (...a: unknown[]) => void)(...args);
    };
  return new Proxy(parent, {
    get(target, property) {
      switch (property) {
        case "trace":
        case "debug":
        case "info":
        case "warn":
        case "error":
        case "fatal":
          return level(property);
        case "isLevelEnabled":
          return (name: string) => target.isLevelEnabled(name);
        case "level":
          return target.level;
        case "bindings":
          return () => ({ ...target.bindings(), ...bindings });
        default: {
          const value = Reflect.get(real(), property);
          return typeof value === "function" ? value.bind(real()) : value;
        }
      }
    },
  });
}
