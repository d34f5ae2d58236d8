/** Why a dead-letter operation was refused; `code` is stable (the CLI and the admin API map it). */
export class DeadLetterError extends Error {
  constructor(
    readonly code: "dead_letter_not_found" | "parked_step" | "foreign_consumer" | "replay_not_permitted" | "truncated",
    message: string,
  ) {
    super(message);
    this.name = "DeadLetterError";
  }
}

export class DeadLetterNotFoundError extends DeadLetterError {
  constructor(readonly seq: number) {
    super("dead_letter_not_found", `no dead letter DLQ#${seq} (never existed, or already replayed, deleted or purged)`);
  }
}

/** A parked payment step is not a message: there is no consumer to replay it to. */
export class ParkedStepError extends DeadLetterError {
  constructor(readonly seq: number, readonly orderId: string | undefined, step: string | undefined) {
    super(
      "parked_step",
      `DLQ#${seq} is a parked payment step${step ? ` (${step})` : ""}${orderId ? ` of order ${orderId}` : ""}, not a message: it cannot be replayed. ` +
        `Retry it on the payments service with POST /admin/payments/${orderId ?? "<orderId>"}/retry, then remove this dead letter (checkout dlq rm ${seq}, or DELETE /admin/dlq/${seq} on payments).`,
    );
  }
}

/** The admin API of one service acts only on the dead letters of its own consumers. */
export class ForeignConsumerError extends DeadLetterError {
  constructor(readonly seq: number, readonly consumer: string, readonly allowed: readonly string[]) {
    super("foreign_consumer", `DLQ#${seq} belongs to consumer ${consumer}, not to this service (${allowed.join(", ")}): use that service's /admin/dlq or checkout dlq`);
  }
}

/**
 * nats-server refused the replay's publish: this connection's NATS user may not publish on the original
 * subject (deploy/nats: a service publishes its own stream only). The dead letter is left in place.
 */
export class ReplayNotPermittedError extends DeadLetterError {
  constructor(readonly seq: number, readonly subject: string) {
    super(
      "replay_not_permitted",
      `DLQ#${seq} cannot be replayed from here: this NATS user may not publish on ${subject} (a service publishes only its own stream). Replay it with: checkout dlq replay ${seq}`,
    );
  }
}

/** A publish refused by nats-server's permissions (the client reports it as the cause of a request error). */
export function isPublishPermissionError(error: unknown): boolean {
  for (let e = error as { name?: string; operation?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.name === "PermissionViolationError" && (e.operation === undefined || e.operation === "publish")) return true;
  }
  return /permissions violation for publish/i.test(String((error as Error)?.message ?? ""));
}

/** The dead letter keeps only the start of a message too large to process: replaying it would only fail again. */
export class TruncatedDeadLetterError extends DeadLetterError {
  constructor(readonly seq: number, originalBytes: number) {
    super("truncated", `DLQ#${seq} keeps only the start of a ${originalBytes}-byte message that was too large to process; it cannot be replayed (remove it with checkout dlq rm ${seq})`);
  }
}
