/** Exit codes of `checkout`: 0 ok, 1 not found / violations, 2 usage or connection error. */
export const EXIT = { ok: 0, notFound: 1, usage: 2 } as const;

/** An error the CLI reports as one line on stderr, with a stable code and the exit code it means. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
    readonly code: "not_found" | "violations" | "usage" | "unreachable" | "auth" | "no_jetstream" | "server",
  ) {
    super(message);
    this.name = "CliError";
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.usage, "usage");
export const notFound = (message: string) => new CliError(message, EXIT.notFound, "not_found");
