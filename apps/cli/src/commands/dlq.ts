import { Option, type Command } from "commander";
import {
  countDeadLetters,
  DeadLetterError,
  DeadLetterNotFoundError,
  deleteDeadLetter,
  getDeadLetter,
  InvalidDeadLetterFilterError,
  listDeadLetters,
  purgeDeadLetters,
  replayAll,
  replayDeadLetter,
} from "@checkout/messaging";
import { notFound, usageError } from "../errors.ts";
import { withSession, type GlobalOptions } from "../session.ts";
import { renderList, renderReplay, renderReplayAll, renderShow } from "../dlq/render.ts";

interface FilterOptions {
  consumer?: string;
  stream?: string;
}

const print = (json: boolean | undefined, value: unknown, text: () => string) =>
  process.stdout.write(json ? `${JSON.stringify(value, (_key, v: unknown) => v ?? null, 2)}\n` : `${text()}\n`);

/** `5` → 5; anything else is a usage error naming the argument. */
export function parseSeq(value: string): number {
  if (!/^[1-9]\d{0,15}$/.test(value) || !Number.isSafeInteger(Number(value))) throw usageError(`seq must be a DLQ stream sequence (a positive integer), got ${JSON.stringify(value)}`);
  return Number(value);
}

/** The library's refusals as CLI errors: gone → exit 1; a parked step, a refused publish or a bad filter → exit 2. */
async function operatorErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DeadLetterNotFoundError) throw notFound(error.message);
    if (error instanceof DeadLetterError || error instanceof InvalidDeadLetterFilterError) throw usageError(error.message);
    throw error;
  }
}

const filterOptions = (command: Command) =>
  command
    .addOption(new Option("-c, --consumer <durable>", "only the dead letters of this consumer (e.g. orders-inventory, payments-worker)"))
    .addOption(new Option("--stream <name>", "only those that came from this stream (ORDERS, INVENTORY, PAYMENTS, SHIPPING)"));

const filterOf = ({ consumer, stream }: FilterOptions) => ({ consumer, stream });

/**
 * `checkout dlq ls | show <seq> | replay <seq> | replay --all | rm <seq> | purge --yes`: the dead letters
 * of ARCHITECTURE §5.7, read from and written to JetStream directly.
 */
export function dlqCommand(program: Command): void {
  const dlq = program
    .command("dlq")
    .description("dead letters (the DLQ stream): list, show, replay onto the original subject for the consumer that failed, remove, purge")
    .addHelpText(
      "after",
      "\nA replay publishes the original body and headers to the original subject with `Checkout-Replay-For: <consumer>`:\n" +
        "only that consumer handles it, every other consumer of the stream skips it. Parked payment steps (consumer\n" +
        "payments-worker) are not messages: retry them with POST /admin/payments/<orderId>/retry on the payments service.\n" +
        "Exit codes: 0 ok, 1 no such dead letter, 2 usage error (or refused), nats-server unreachable.",
    );

  filterOptions(dlq.command("ls").description("dead letters, oldest first: sequence, when, consumer, origin, subject, event, deliveries, size, reason"))
    .addOption(new Option("-n, --limit <n>", "show at most this many").default(100).argParser((value) => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw usageError(`--limit must be a positive integer, got ${JSON.stringify(value)}`);
      return n;
    }))
    .action(async function ls(options: FilterOptions & { limit: number }, command: Command) {
      const global = command.optsWithGlobals<GlobalOptions>();
      const { entries, total } = await operatorErrors(() =>
        withSession(global, async ({ jsm }) => ({
          entries: await listDeadLetters(jsm, { ...filterOf(options), limit: options.limit }),
          total: await countDeadLetters(jsm, filterOf(options)),
        })),
      );
      if (global.json && entries.length < total) process.stderr.write(`note: showing the oldest ${entries.length} of ${total} dead letters (--limit for more)\n`);
      print(global.json, entries, () => renderList(entries, total, new Date()));
    });

  dlq
    .command("show")
    .description("one dead letter: where it came from, why, every header and the body")
    .argument("<seq>", "its sequence in the DLQ stream (from checkout dlq ls)")
    .action(async function show(seq: string, _options: unknown, command: Command) {
      const global = command.optsWithGlobals<GlobalOptions>();
      const letter = await operatorErrors(() => withSession(global, ({ jsm }) => getDeadLetter(jsm, parseSeq(seq))));
      print(global.json, letter, () => renderShow(letter, new Date()));
    });

  filterOptions(
    dlq
      .command("replay")
      .description("publish a dead letter again on its original subject, for the consumer that gave up on it only, and remove it from the DLQ")
      .argument("[seq]", "its sequence in the DLQ stream")
      .option("--all", "every dead letter (of --consumer / --stream if given); parked payment steps are skipped"),
  ).action(async function replay(seq: string | undefined, options: FilterOptions & { all?: boolean }, command: Command) {
    const global = command.optsWithGlobals<GlobalOptions>();
    if (options.all) {
      if (seq !== undefined) throw usageError("give either a seq or --all, not both");
      const result = await operatorErrors(() => withSession(global, ({ js, jsm }) => replayAll(js, jsm, filterOf(options))));
      print(global.json, result, () => renderReplayAll(result));
      return;
    }
    if (seq === undefined) throw usageError("which dead letter? give its seq (checkout dlq ls), or --all");
    if (options.consumer || options.stream) throw usageError("--consumer and --stream go with --all");
    const result = await operatorErrors(() => withSession(global, ({ js, jsm }) => replayDeadLetter(js, jsm, parseSeq(seq))));
    print(global.json, result, () => renderReplay(result));
  });

  dlq
    .command("rm")
    .description("remove one dead letter without replaying it (e.g. a parked payment step after its retry)")
    .argument("<seq>", "its sequence in the DLQ stream")
    .action(async function rm(seq: string, _options: unknown, command: Command) {
      const global = command.optsWithGlobals<GlobalOptions>();
      const n = parseSeq(seq);
      await operatorErrors(() => withSession(global, ({ jsm }) => deleteDeadLetter(jsm, n)));
      print(global.json, { deleted: n }, () => `removed DLQ#${n}`);
    });

  filterOptions(dlq.command("purge").description("remove every dead letter (of --consumer / --stream if given) without replaying them"))
    .option("--yes", "really remove them")
    .action(async function purge(options: FilterOptions & { yes?: boolean }, command: Command) {
      const global = command.optsWithGlobals<GlobalOptions>();
      const purged = await operatorErrors(() =>
        withSession(global, async ({ jsm }) => {
          if (!options.yes) {
            const matching = await countDeadLetters(jsm, filterOf(options));
            throw usageError(`refusing to remove ${matching} dead letter${matching === 1 ? "" : "s"} without --yes (checkout dlq ls to see them)`);
          }
          return purgeDeadLetters(jsm, filterOf(options));
        }),
      );
      print(global.json, { purged }, () => `removed ${purged} dead letter${purged === 1 ? "" : "s"}`);
    });
}
