import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { connect, nanos, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { startNatsServer, startNatsServer210, waitFor, type NatsServer } from "@checkout/testing";
import { ensureBucket, ensureConsumer, ensureStreams } from "./topology.ts";

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

// On nats-server 2.10+ a consumer's filter can change in place (ADR 0013): a service narrows the stream-wide
// `orders.>` of an older version to what it handles, and otherwise only adds to a filter what it lacks,
// never going back over what the consumer already passed.

describe("ensureConsumer on nats-server 2.10", () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let js: JetStreamClient;

  beforeAll(async () => {
    nats = await startNatsServer210();
    nc = await connect({ servers: nats.url });
    jsm = await jetstreamManager(nc);
    js = jetstream(nc);
    await ensureStreams(jsm);
  });
  beforeEach(async () => void (await jsm.streams.purge("ORDERS"))); // each test's new consumer starts on its own messages
  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  /** publishes one event of each token, for a new order, in this order */
  const publish = async (...tokens: string[]) => {
    const orderId = randomUUID();
    for (const token of tokens) await js.publish(`orders.${token}.${orderId}`, "{}");
  };
  /** pulls and acks until nothing comes within a second: the tokens delivered, in order */
  const take = async (durable: string) => {
    const consumer = await js.consumers.get("ORDERS", durable);
    const tokens: string[] = [];
    for (let msg = await consumer.next({ expires: 1_000 }); msg; msg = await consumer.next({ expires: 1_000 })) {
      tokens.push(msg.subject.split(".")[1]!);
      await msg.ackAck();
    }
    return tokens;
  };
  const filterOf = async (durable: string) => {
    const { config } = await jsm.consumers.info("ORDERS", durable);
    return { filter_subject: config.filter_subject, filter_subjects: config.filter_subjects };
  };

  it("runs on nats-server 2.10+", () => {
    expect(nc.info?.version).toMatch(/^2\.(1\d|[2-9]\d)\./);
  });

  it("narrows a consumer made with orders.> to several subjects in place: the acked messages are not delivered again", async () => {
    await ensureConsumer(jsm, { stream: "ORDERS", durable: "narrowed", filterSubjects: ["orders.>"] });
    await publish("placed", "confirmed", "cancelled");
    expect(await take("narrowed")).toEqual(["placed", "confirmed", "cancelled"]);
    await publish("placed", "completed", "cancelled", "confirmed");

    await ensureConsumer(jsm, { stream: "ORDERS", durable: "narrowed", filterSubjects: ["orders.cancelled.*", "orders.placed.*"], ackWaitMs: 10_000 });
    expect(await filterOf("narrowed")).toEqual({ filter_subject: undefined, filter_subjects: ["orders.cancelled.*", "orders.placed.*"] });
    const info = await jsm.consumers.info("ORDERS", "narrowed");
    expect(info.config.ack_wait).toBe(nanos(10_000)); // changed along with the filter
    expect(info.num_pending).toBe(2);
    expect(await take("narrowed")).toEqual(["placed", "cancelled"]);
    expect((await jsm.consumers.info("ORDERS", "narrowed")).delivered.consumer_seq).toBe(5);
  });

  it("widens a consumer to one more subject without going back over what it passed, and never narrows it: a start with fewer handlers leaves the filter as it is", async () => {
    await ensureConsumer(jsm, { stream: "ORDERS", durable: "widened", filterSubjects: ["orders.placed.*"] });
    expect(await filterOf("widened")).toEqual({ filter_subject: "orders.placed.*", filter_subjects: undefined });
    await publish("cancelled", "placed"); // the cancelled one is behind the consumer once it has the placed one
    expect(await take("widened")).toEqual(["placed"]);

    await ensureConsumer(jsm, { stream: "ORDERS", durable: "widened", filterSubjects: ["orders.cancelled.*", "orders.placed.*"] });
    expect(await filterOf("widened")).toEqual({ filter_subject: undefined, filter_subjects: ["orders.cancelled.*", "orders.placed.*"] });
    await publish("cancelled", "confirmed");
    expect(await take("widened")).toEqual(["cancelled"]);

    // an instance of an older version (without the cancelled handler) restarts: the newer ones still get their events
    await ensureConsumer(jsm, { stream: "ORDERS", durable: "widened", filterSubjects: ["orders.placed.*"], maxAckPending: 500 });
    expect(await filterOf("widened")).toEqual({ filter_subject: undefined, filter_subjects: ["orders.cancelled.*", "orders.placed.*"] });
    expect((await jsm.consumers.info("ORDERS", "widened")).config.max_ack_pending).toBe(500); // the rest is still brought up to date
    await publish("cancelled", "placed");
    expect(await take("widened")).toEqual(["cancelled", "placed"]);
  });

  it("adds to a narrow filter what another version handles besides: the union, not the last start's", async () => {
    await ensureConsumer(jsm, { stream: "ORDERS", durable: "union", filterSubjects: ["orders.cancelled.*", "orders.placed.*"] });
    await ensureConsumer(jsm, { stream: "ORDERS", durable: "union", filterSubjects: ["orders.completed.*", "orders.placed.*"] });
    expect(await filterOf("union")).toEqual({ filter_subject: undefined, filter_subjects: ["orders.cancelled.*", "orders.completed.*", "orders.placed.*"] });
    await publish("placed", "confirmed", "cancelled", "completed");
    expect(await take("union")).toEqual(["placed", "cancelled", "completed"]);
  });

  it("widens a narrow filter back to orders.> when the service finds itself on nats-server 2.9 (wanted: the whole stream)", async () => {
    await ensureConsumer(jsm, { stream: "ORDERS", durable: "downgraded", filterSubjects: ["orders.cancelled.*", "orders.placed.*"] });
    await ensureConsumer(jsm, { stream: "ORDERS", durable: "downgraded", filterSubjects: ["orders.>"] });
    expect(await filterOf("downgraded")).toEqual({ filter_subject: "orders.>", filter_subjects: undefined });
  });

  it("lets instances that start together all create, or all update, the same consumer", async () => {
    const spec = { stream: "ORDERS", durable: "twins", filterSubjects: ["orders.cancelled.*", "orders.placed.*"] };
    const created = await Promise.allSettled([ensureConsumer(jsm, spec), ensureConsumer(jsm, spec), ensureConsumer(jsm, spec)]);
    expect(created.map((result) => result.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
    expect(await filterOf("twins")).toEqual({ filter_subject: undefined, filter_subjects: spec.filterSubjects });

    const wider = { ...spec, filterSubjects: ["orders.cancelled.*", "orders.completed.*", "orders.placed.*"], maxAckPending: 500 };
    const updated = await Promise.allSettled([ensureConsumer(jsm, wider), ensureConsumer(jsm, wider), ensureConsumer(jsm, wider)]);
    expect(updated.map((result) => result.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
    expect(await filterOf("twins")).toEqual({ filter_subject: undefined, filter_subjects: wider.filterSubjects });
    expect((await jsm.consumers.info("ORDERS", "twins")).config.max_ack_pending).toBe(500);

    // two versions of a service with different handlers, creating the consumer together: both start, and it has both's subjects
    const narrower = { ...spec, durable: "versions", filterSubjects: ["orders.placed.*"] };
    const mixed = await Promise.allSettled([ensureConsumer(jsm, { ...spec, durable: "versions" }), ensureConsumer(jsm, narrower)]);
    expect(mixed.map((result) => result.status)).toEqual(["fulfilled", "fulfilled"]);
    expect(await filterOf("versions")).toEqual({ filter_subject: undefined, filter_subjects: ["orders.cancelled.*", "orders.placed.*"] });
  });
});
