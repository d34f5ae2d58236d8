import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "@checkout/log";

export interface ServerFeatures {
  version: string;
  /** consumers with several filter subjects (2.10+) */
  filterSubjects: boolean;
  /** per-message and per-key TTL (2.11+) */
  messageTtl: boolean;
  /** term(reason) reaches advisories (2.11+) */
  termReason: boolean;
}

export async function connectNats({
  url,
  name,
  user,
  pass,
  log,
}: {
  url: string;
  name: string;
  user?: string | undefined;
  pass?: string | undefined;
  log: Logger;
}): Promise<NatsConnection> {
  const nc = await connect({
    servers: url.split(","),
    name,
    ...(user ? { user, pass: pass ?? "" } : {}),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: false,
    // no Error (with its stack) built in advance for every request, for the case it fails: that was 5-7 %
    // of the CPU of a busy service; a failed request still rejects with its error, without our caller's stack
    noAsyncTraces: true,
  });
  (async () => {
    for await (const status of nc.status()) {
      if (status.type === "disconnect" || status.type === "reconnect" || status.type === "error") {
        log.warn({ nats: status.type, server: "server" in status ? status.server : undefined }, `nats ${status.type}`);
      }
    }
  })().catch(() => {});
  return nc;
}

export function serverFeatures(nc: NatsConnection): ServerFeatures {
  const version = nc.info?.version ?? "0.0.0";
  const [major = 0, minor = 0] = version.split(".").map((part) => Number.parseInt(part, 10));
  const atLeast = (wantMajor: number, wantMinor: number) => major > wantMajor || (major === wantMajor && minor >= wantMinor);
  return { version, filterSubjects: atLeast(2, 10), messageTtl: atLeast(2, 11), termReason: atLeast(2, 11) };
}

/** Says at start-up what this server cannot do and how the project copes. */
export function reportServerFeatures(features: ServerFeatures, log: Logger): void {
  log.info({ natsVersion: features.version }, `connected to nats-server ${features.version}`);
  if (!features.filterSubjects) log.warn("nats-server < 2.10: no filter_subjects; each consumer filters on its stream prefix and skips events it does not handle");
  if (!features.messageTtl) log.warn("nats-server < 2.11: no per-message or per-key TTL; reservation expiry and idempotency records rely on application timers and bucket max_age");
  if (!features.termReason) log.warn("nats-server < 2.11: term(reason) is dropped; dead-letter reasons travel in DLQ message headers");
}
