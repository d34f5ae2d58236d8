import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, headers as natsHeaders, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { InventoryReserved } from "@checkout/contracts";
import { natsTestCredentials, orderPlaced, startNatsServer, type NatsServer } from "@checkout/testing";
import { DLQ_HEADERS, REPLAY_FOR_HEADER } from "../dead-letter.ts";
import { ensureStreams } from "../topology.ts";
import { ReplayNotPermittedError } from "./errors.ts";
import { countDeadLetters, deleteDeadLetter, getDeadLetter, listDeadLetters, replayDeadLetter } from "./operations.ts";

// On a nats-server with the users and permissions of deploy/nats: what a service's /admin/dlq does with
// the service's own NATS user (list, show, delete: STREAM.MSG.GET/DELETE only), and what it may not
// (replay onto another service's stream), next to the operator (`checkout`), who may.

let server: NatsServer;
let orders: NatsConnection; // the orders service's user
let operator: NatsConnection; // no credentials: `operator`
let ordersJsm: JetStreamManager;
let operatorJsm: JetStreamManager;
const orderId = orderPlaced().subject;

async function deadLetter(consumer: string, stream: string, subject: string) {
  const h = natsHeaders();
  h.set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  h.set(DLQ_HEADERS.consumer, consumer);
  h.set(DLQ_HEADERS.stream, stream);
  h.set(DLQ_HEADERS.subject, subject);
  h.set(DLQ_HEADERS.sequence, "1");
  h.set(DLQ_HEADERS.reason, `unprocessable: InventoryReserved for unknown order ${orderId}`);
  const event = InventoryReserved.create(orderId, { orderId, reservationId: "res_1", lines: [{ sku: "MUG-LOGO", qty: 1 }], expiresAt: new Date().toISOString() });
  return (await jetstream(orders).publish(`dlq.${stream}.${consumer}`, JSON.stringify(event), { headers: h })).seq;
}

beforeAll(async () => {
  server = await startNatsServer({ secured: true });
  const credentials = natsTestCredentials("orders");
  orders = await connect({ servers: server.url, user: credentials.NATS_USER, pass: credentials.NATS_PASSWORD });
  operator = await connect({ servers: server.url });
  ordersJsm = await jetstreamManager(orders);
  operatorJsm = await jetstreamManager(operator);
  await ensureStreams(ordersJsm);
});

afterAll(async () => {
  await orders?.close();
  await operator?.close();
  await server?.stop();
});

describe("dead letters under deploy/nats permissions", () => {
  it("a service lists, shows and deletes its dead letters, and may not replay onto another service's stream", async () => {
    const subject = InventoryReserved.subject(orderId);
    const seq = await deadLetter("orders-inventory", "INVENTORY", subject);
    const other = await deadLetter("orders-inventory", "INVENTORY", subject);

    expect(await countDeadLetters(ordersJsm, { consumer: "orders-inventory" })).toBe(2);
    const listed = await listDeadLetters(ordersJsm, { consumer: "orders-inventory", limit: 10, via: "get" });
    expect(listed.map((entry) => entry.seq)).toEqual([seq, other]);
    expect((await getDeadLetter(ordersJsm, seq, { consumers: ["orders-inventory"] })).headers.traceparent).toMatch(/^00-/);

    const refused = await replayDeadLetter(jetstream(orders), ordersJsm, seq).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ReplayNotPermittedError);
    expect((refused as Error).message).toBe(`DLQ#${seq} cannot be replayed from here: this NATS user may not publish on ${subject} (a service publishes only its own stream). Replay it with: checkout dlq replay ${seq}`);
    expect(await getDeadLetter(ordersJsm, seq)).toMatchObject({ seq, consumer: "orders-inventory" }); // still there

    await deleteDeadLetter(ordersJsm, other, { consumers: ["orders-inventory"] });
    expect(await countDeadLetters(ordersJsm)).toBe(1);
    // the only thing the server refused was the replay's publish
    expect(server.violations()).toEqual([expect.stringMatching(/Publish Violation .*"orders".*inventory\.reserved\./)]);
  });

  it("the operator replays it, with the original headers and Checkout-Replay-For", async () => {
    const [entry] = await listDeadLetters(operatorJsm, { limit: 1 });
    const replayed = await replayDeadLetter(jetstream(operator), operatorJsm, entry!.seq);
    expect(replayed).toMatchObject({ dlqSeq: entry!.seq, consumer: "orders-inventory", stream: "INVENTORY", duplicate: false });
    const stored = await operatorJsm.streams.getMessage("INVENTORY", { seq: replayed.seq });
    expect(stored!.header.get(REPLAY_FOR_HEADER)).toBe("orders-inventory");
    expect(stored!.header.get("traceparent")).toBe("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    expect(stored!.header.get("Nats-Msg-Id")).toBe(`replay:${entry!.seq}`);
    expect(await countDeadLetters(operatorJsm)).toBe(0);
    expect(server.violations()).toHaveLength(1);
  });
});
