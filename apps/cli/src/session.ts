import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { cliConfig } from "./config.ts";
import { CliError, EXIT } from "./errors.ts";

export interface GlobalOptions {
  server?: string;
  json?: boolean;
}

export interface Session {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** the server URL, without credentials */
  server: string;
}

/** `nats://user:secret@host:4222` → `nats://user:***@host:4222`, for messages. */
export const redact = (url: string): string => url.replace(/\/\/([^:@/]+):[^@/]*@/g, "//$1:***@");

/** Turns what the client throws on connect into a message an operator can act on. */
export function connectionProblem(url: string, error: unknown): CliError {
  const text = String((error as Error)?.message ?? error);
  const shown = redact(url);
  if (/authori[sz]ation|authentication|user.*password/i.test(text)) {
    return new CliError(`nats-server at ${shown} refused the credentials (NATS_USER / NATS_PASSWORD): ${text}`, EXIT.usage, "auth");
  }
  if (/jetstream not enabled|jetstream.*not.*available|503/i.test(text)) {
    return new CliError(`nats-server at ${shown} has no JetStream (start it with -js): ${text}`, EXIT.usage, "no_jetstream");
  }
  return new CliError(`cannot reach nats-server at ${shown}: is it running? (${text})`, EXIT.usage, "unreachable");
}

/** Connects for one command and always closes, whatever the command does. */
export async function withSession<T>(options: GlobalOptions, work: (session: Session) => Promise<T>): Promise<T> {
  const config = cliConfig();
  const url = options.server ?? config.NATS_URL;
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: url.split(","),
      name: "checkout-cli",
      timeout: 3_000,
      reconnect: false,
      ...(config.NATS_USER ? { user: config.NATS_USER, pass: config.NATS_PASSWORD ?? "" } : {}),
    });
  } catch (error) {
    throw connectionProblem(url, error);
  }
  try {
    let jsm: JetStreamManager;
    try {
      jsm = await jetstreamManager(nc, { timeout: 5_000 });
    } catch (error) {
      throw connectionProblem(url, error);
    }
    return await work({ nc, js: jetstream(nc, { timeout: 5_000 }), jsm, server: redact(url) });
  } finally {
    await nc.close().catch(() => {});
  }
}
