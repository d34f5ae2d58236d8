import { Command, CommanderError } from "commander";
import { streamsCommand } from "./commands/streams.ts";
import { traceCommand } from "./commands/trace.ts";
import { tokenCommand } from "./commands/token.ts";
import { dlqCommand } from "./commands/dlq.ts";
import { auditCommand } from "./commands/audit.ts";
import { CliError, EXIT } from "./errors.ts";

/**
 * The subcommands, one file each under commands/: `trace`, `streams`, `dlq` (ls | show | replay,
 * ARCHITECTURE §5.7), `audit` (the invariants of §6, exit 1 on a violation), `token` (a bearer token).
 */
const COMMANDS: Array<(program: Command) => void> = [
  traceCommand,
  streamsCommand,
  dlqCommand,
  auditCommand,
  tokenCommand,
];

export function createProgram(): Command {
  const program = new Command("checkout")
    .description("Operate the checkout saga on NATS JetStream: trace an order, inspect streams and consumers")
    .version("0.1.0")
    .option("-s, --server <url>", "nats-server URL, overrides NATS_URL (default nats://127.0.0.1:4222)")
    .option("--json", "print JSON instead of tables")
    .showHelpAfterError("(run checkout --help for usage)")
    .exitOverride() // set before the subcommands are added, so they inherit it
    .addHelpText("after", "\nEnvironment: NATS_URL, NATS_USER, NATS_PASSWORD; AUTH_JWT_SECRET (token).\nExit codes: 0 ok, 1 not found or violations, 2 usage or connection error.");
  for (const add of COMMANDS) add(program);
  return program;
}

/** Runs the CLI and returns its exit code; errors become one line on stderr. */
export async function run(argv: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    // commander has already printed its own message (unknown option, missing argument, help)
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof CliError) {
      process.stderr.write(`checkout: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`checkout: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.usage;
  }
}

process.exitCode = await run(process.argv);
