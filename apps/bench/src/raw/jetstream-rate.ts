import { connect } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, RetentionPolicy, StorageType } from "@nats-io/jetstream";
import { epochNow } from "../clock.ts";

export interface JetStreamRate {
  /** which nats-server it ran on */
  where: string;
  messages: number;
  bytesEach: number;
  window: number;
  seconds: number;
  perSecond: number;
}

/**
 * The raw JetStream publish rate of this machine: `messages` publishes of ~`bytes` bytes with file
 * storage, `window` of them awaiting their ack at any time, to a scratch stream on the same nats-server
 * as the run (deleted afterwards). No Nats-Msg-Id: the ceiling, not what the relay does.
 */
export async function measureJetStreamRate(natsUrl: string, { messages = 50_000, window = 512, bytes = 200, where = "the run's nats-server" } = {}): Promise<JetStreamRate> {
  const nc = await connect({ servers: natsUrl, name: "bench-raw-jetstream" });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const stream = `BENCH_RAW_${process.pid}`;
  await jsm.streams.add({ name: stream, subjects: [`bench.raw.${process.pid}.>`], storage: StorageType.File, retention: RetentionPolicy.Limits, num_replicas: 1 });
  const payload = new Uint8Array(bytes).fill(120);
  try {
    let inFlight = 0;
    let slot: (() => void) | undefined;
    let failure: unknown;
    const started = epochNow();
    for (let i = 0; i < messages; i++) {
      while (inFlight >= window) await new Promise<void>((resolve) => (slot = resolve));
      if (failure) throw failure;
      inFlight++;
      js.publish(`bench.raw.${process.pid}.${i}`, payload, { timeout: 30_000 }).then(
        () => {
          inFlight--;
          slot?.();
        },
        (error: unknown) => {
          failure = error;
          inFlight--;
          slot?.();
        },
      );
    }
    while (inFlight > 0) await new Promise<void>((resolve) => (slot = resolve));
    if (failure) throw failure;
    const seconds = (epochNow() - started) / 1_000;
    return { where, messages, bytesEach: bytes, window, seconds: Math.round(seconds * 100) / 100, perSecond: Math.round(messages / seconds) };
  } finally {
    await jsm.streams.delete(stream).catch(() => {});
    await nc.close();
  }
}
