import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, nanos, type NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { startNatsServer, waitFor, type NatsServer } from "@checkout/testing";
import { ensureBucket } from "./topology.ts";

// A bucket with history 1 keeps one message per key ever written: a deleted key leaves its delete
// marker. Only the bucket's max age trims those, so ensureBucket must apply it to a bucket that exists.

describe("ensureBucket", () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url });
    jsm = await jetstreamManager(nc);
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  it("gives an existing bucket without an age limit the configured max age, and keeps its keys", async () => {
    const old = await new Kvm(nc).create("aging", { history: 1 });
    await old.put("live", "1");
    expect((await jsm.streams.info("KV_aging")).config.max_age).toBe(0);

    const kv = await ensureBucket(nc, { name: "aging", ttlMs: 3_600_000 });
    expect((await jsm.streams.info("KV_aging")).config.max_age).toBe(nanos(3_600_000));
    expect((await kv.get("live"))?.string()).toBe("1");

    await ensureBucket(nc, { name: "aging", ttlMs: 0 }); // and back: 0 is "no age limit"
    expect((await jsm.streams.info("KV_aging")).config.max_age).toBe(0);
  });

  it("gives an existing bucket a max age shorter than its duplicate window (2 min)", async () => {
    await new Kvm(nc).create("short", { history: 1 });
    await ensureBucket(nc, { name: "short", ttlMs: 30_000 });
    const { config } = await jsm.streams.info("KV_short");
    expect(config.max_age).toBe(nanos(30_000));
    expect(config.duplicate_window).toBeLessThanOrEqual(nanos(30_000));
  });

  it("lets the delete markers of deleted keys age out instead of piling up", async () => {
    const kv = await ensureBucket(nc, { name: "markers", ttlMs: 1_000 });
    for (let i = 0; i < 20; i++) {
      await kv.put(`order-${i}`, "held");
      await kv.delete(`order-${i}`);
    }
    expect((await jsm.streams.info("KV_markers")).state.messages).toBe(20); // one marker per key
    await waitFor(async () => ((await jsm.streams.info("KV_markers")).state.messages === 0 ? true : undefined), { what: "the markers to age out", timeoutMs: 10_000 });
  });
});
