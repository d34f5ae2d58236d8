import { baseConfig, ConfigError, environment, loadConfig } from "@checkout/config";
import { CliError, EXIT } from "./errors.ts";

/** The only settings the CLI reads from the environment; `--server` overrides NATS_URL. */
export const CliConfig = baseConfig.pick({ NATS_URL: true, NATS_USER: true, NATS_PASSWORD: true });
export type CliConfig = ReturnType<typeof CliConfig.parse>;

export function cliConfig(env: Record<string, string | undefined> = environment()): CliConfig {
  try {
    return loadConfig(CliConfig, env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, EXIT.usage, "usage");
    throw error;
  }
}
