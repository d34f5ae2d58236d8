import { describe, expect, it } from "vitest";
import { Buckets, DeadLetters, Streams } from "@checkout/contracts";
import { durableName } from "./router.ts";
import { STREAM_SPECS } from "./topology.ts";
import { authorizationConfig, BUS_ROLES, natsPermissions, NATS_USERS, SERVICE_USERS, type NatsUser, type Permissions } from "./permissions.ts";

/** nats-server's subject matching: `*` is one token, `>` one or more at the end. */
const matches = (pattern: string, subject: string): boolean => {
  const p = pattern.split(".");
  const s = subject.split(".");
  for (let i = 0; i < p.length; i++) {
    if (p[i] === ">") return s.length > i;
    if (i >= s.length || (p[i] !== "*" && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
};
/** allowed when an allow pattern matches and no deny pattern does */
const may = ({ allow, deny = [] }: { allow: string[]; deny?: string[] }, subject: string) => allow.some((p) => matches(p, subject)) && !deny.some((p) => matches(p, subject));
const publish = (user: NatsUser, subject: string) => may(natsPermissions()[user].publish, subject);

const ORDER = "0b9c2a5e-3f1d-4c1a-9a57-6a2b7f1c9d10";
const prefixes = Object.values(Streams).map((stream) => stream.prefix);
/** the subjects of a user's publish allow-list that are events (not JetStream API, KV, acks or dead letters) */
const eventSubjects = (permissions: Permissions) => permissions.publish.allow.filter((subject) => !subject.startsWith("$") && !subject.startsWith(`${DeadLetters.prefix}.`));

describe("each service user", () => {
  it.each(SERVICE_USERS)("%s may publish events of its own stream, and no other", (service) => {
    const own = Object.values(Streams).filter((stream) => stream.publisher === service);
    expect(eventSubjects(natsPermissions()[service])).toEqual(own.map((stream) => `${stream.prefix}.>`));
    for (const prefix of prefixes) expect(publish(service, `${prefix}.anything.${ORDER}`), `${service} → ${prefix}`).toBe(own.some((stream) => stream.prefix === prefix));
  });

  it("inventory may not publish payments.>, orders.> or shipping.> (the point of it all)", () => {
    expect(publish("inventory", `inventory.reserved.${ORDER}`)).toBe(true);
    for (const subject of [`payments.authorized.${ORDER}`, `orders.placed.${ORDER}`, `shipping.created.${ORDER}`]) expect(publish("inventory", subject), subject).toBe(false);
  });

  it.each(SERVICE_USERS)("%s dead-letters only as its own consumers", (service) => {
    const own = BUS_ROLES[service].consumes.map((stream) => `${DeadLetters.prefix}.${stream}.${durableName(service, stream)}`);
    const allowed = natsPermissions()[service].publish.allow.filter((subject) => subject.startsWith(`${DeadLetters.prefix}.`));
    expect(allowed).toEqual([...own, ...(BUS_ROLES[service].deadLetters ?? [])]);
    for (const other of SERVICE_USERS.filter((s) => s !== service)) {
      for (const stream of BUS_ROLES[other].consumes) expect(publish(service, `dlq.${stream}.${durableName(other, stream)}`)).toBe(false);
    }
  });

  it.each(SERVICE_USERS)("%s creates every stream but can neither delete nor purge one, and touches only its own durables and buckets", (service) => {
    for (const { name } of STREAM_SPECS) {
      expect(publish(service, `$JS.API.STREAM.CREATE.${name}`)).toBe(true);
      expect(publish(service, `$JS.API.STREAM.DELETE.${name}`)).toBe(false);
      expect(publish(service, `$JS.API.STREAM.PURGE.${name}`)).toBe(false);
      expect(publish(service, `$JS.API.STREAM.MSG.DELETE.${name}`)).toBe(name === DeadLetters.name); // its /admin/dlq deletes dead letters
    }
    for (const other of SERVICE_USERS) {
      for (const stream of BUS_ROLES[other].consumes) {
        const durable = durableName(other, stream);
        const mine = other === service;
        expect(publish(service, `$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`)).toBe(mine);
        expect(publish(service, `$JS.API.CONSUMER.CREATE.${stream}.${durable}.${Streams[stream].prefix}.>`)).toBe(mine);
        expect(publish(service, `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.${durable}`)).toBe(mine); // several filter subjects (2.10+)
        expect(publish(service, `$JS.ACK.${stream}.${durable}.1.2.3.4.0`)).toBe(mine);
        expect(publish(service, `$JS.API.CONSUMER.DELETE.${stream}.${durable}`)).toBe(false);
      }
    }
    for (const bucket of Object.values(Buckets)) {
      const mine = BUS_ROLES[service].buckets.includes(bucket);
      expect(publish(service, `$KV.${bucket}.${ORDER}`)).toBe(mine);
      expect(publish(service, `$JS.API.STREAM.CREATE.KV_${bucket}`)).toBe(mine);
    }
    expect(publish(service, "$JS.API.STREAM.LIST")).toBe(false);
    expect(publish(service, "$JS.API.CONSUMER.CREATE.ORDERS")).toBe(false); // no ephemeral consumers
  });

  it.each(SERVICE_USERS.filter((service) => service !== "orders"))("%s subscribes only to its replies (_INBOX.>), never to a stream's subjects", (service) => {
    expect(natsPermissions()[service].subscribe).toEqual({ allow: ["_INBOX.>"] });
  });

  it("orders subscribes to its replies and to inventory's rejections, releases and reservations (the sold-out hint, the hot-SKU gate), nothing else", () => {
    expect(natsPermissions().orders.subscribe).toEqual({ allow: ["_INBOX.>", "inventory.rejected.*", "inventory.released.*", "inventory.reserved.*"] });
  });
});

describe("the operator (checkout CLI)", () => {
  const operator = natsPermissions().operator;

  it("reads everything, replays onto any stream and deletes dead letters, but publishes no dead letter and no KV entry", () => {
    for (const prefix of prefixes) expect(publish("operator", `${prefix}.placed.${ORDER}`)).toBe(true);
    expect(publish("operator", `dlq.ORDERS.inventory-orders`)).toBe(false);
    expect(publish("operator", `$KV.${Buckets.reservations}.${ORDER}`)).toBe(false);
    expect(publish("operator", "$JS.API.STREAM.MSG.DELETE.DLQ")).toBe(true);
    expect(publish("operator", "$JS.API.STREAM.MSG.DELETE.ORDERS")).toBe(false);
    expect(publish("operator", "$JS.API.DIRECT.GET.KV_reservations.$KV.reservations.x")).toBe(true);
    expect(publish("operator", "$JS.API.CONSUMER.CREATE.ORDERS.AbC_1.orders.*.x")).toBe(true); // an ordered consumer
    for (const { name } of STREAM_SPECS) {
      for (const verb of ["CREATE", "UPDATE", "DELETE", "PURGE"]) expect(publish("operator", `$JS.API.STREAM.${verb}.${name}`), `${verb} ${name}`).toBe(false);
    }
  });

  it("cannot create, delete or pull from a service's durable (that would replay or steal its messages)", () => {
    for (const service of SERVICE_USERS) {
      for (const stream of BUS_ROLES[service].consumes) {
        const durable = durableName(service, stream);
        expect(publish("operator", `$JS.API.CONSUMER.INFO.${stream}.${durable}`)).toBe(true);
        for (const api of [`CREATE.${stream}.${durable}`, `CREATE.${stream}.${durable}.${Streams[stream].prefix}.>`, `DURABLE.CREATE.${stream}.${durable}`, `DELETE.${stream}.${durable}`, `MSG.NEXT.${stream}.${durable}`]) {
          expect(publish("operator", `$JS.API.CONSUMER.${api}`), api).toBe(false);
        }
      }
    }
    expect(operator.subscribe).toEqual({ allow: ["_INBOX.>"] });
  });
});

describe("the nats-server configuration", () => {
  const config = authorizationConfig();

  it("has one user per service and the operator, each with its password from the environment", () => {
    expect([...config.matchAll(/user: "([^"]+)"\s+password: \$([A-Z_]+)\n/g)].map(([, user, variable]) => [user, variable])).toEqual(
      NATS_USERS.map((user) => [user, `${user.toUpperCase()}_NATS_PASSWORD`]),
    );
  });

  it("lists each user's subjects verbatim, quoted (a `$` outside quotes would be a variable)", () => {
    for (const user of NATS_USERS) {
      const { publish, subscribe } = natsPermissions()[user];
      for (const subject of [...publish.allow, ...(publish.deny ?? []), ...subscribe.allow]) expect(config).toContain(`"${subject}"`);
    }
    expect(config).not.toMatch(/^\s*"?\$JS\.API\.>"?,?$/m);
  });
});
