import { Buckets, DeadLetters, deadLetterSubject, Streams, type StreamName } from "@checkout/contracts";
import { durableName } from "./router.ts";
import { STREAM_SPECS } from "./topology.ts";

// Who may do what on NATS: one user per service, each allowed to publish only its own stream's
// subjects, its own dead letters and the JetStream API calls its runtime makes (checked on
// nats-server 2.9.10, and for a service's start-up on 2.10.27, against the server's permission-violation
// log: permissions.int.test.ts), plus `operator` for the
// `checkout` CLI. Everything is in the global account (JetStream is enabled there), so the users
// share the streams; permissions are subject allow-lists, and what is not listed is refused.
// deploy/nats/permissions.conf is this module's output (libs/messaging/scripts/nats-permissions.ts).

export type ServiceUser = "orders" | "inventory" | "payments" | "shipping" | "notifications";
export type NatsUser = ServiceUser | "operator";

/** What a service does on the bus besides publishing its own stream (the publisher in contracts/streams.ts). */
export interface BusRole {
  /** streams it reads through its durable `<service>-<stream>` (from its handlers/index.ts) */
  consumes: StreamName[];
  /** KV buckets it creates, reads and writes */
  buckets: string[];
  /** dead-letter subjects it publishes outside the router (which dead-letters as `dlq.<stream>.<durable>`) */
  deadLetters?: string[];
}

/** The same facts as the handlers, runService's buckets and payments' park.ts (deploy.unit.test.ts compares). */
export const BUS_ROLES: Record<ServiceUser, BusRole> = {
  orders: { consumes: ["INVENTORY", "PAYMENTS", "SHIPPING"], buckets: [Buckets.idempotency] },
  inventory: { consumes: ["ORDERS", "INVENTORY", "PAYMENTS"], buckets: [Buckets.reservations] },
  payments: { consumes: ["ORDERS", "INVENTORY", "SHIPPING"], buckets: [], deadLetters: [deadLetterSubject("PAYMENTS", "payments-worker")] },
  shipping: { consumes: ["ORDERS"], buckets: [] },
  notifications: { consumes: ["ORDERS", "SHIPPING"], buckets: [] },
};

export const SERVICE_USERS = Object.keys(BUS_ROLES) as ServiceUser[];
export const NATS_USERS: NatsUser[] = [...SERVICE_USERS, "operator"];

export interface Permissions {
  publish: { allow: string[]; deny?: string[] };
  subscribe: { allow: string[]; deny?: string[] };
}

const API = "$JS.API";
/** replies to requests (JetStream API answers, publish acks) and pull-consumer deliveries */
const INBOX = "_INBOX.>";

/** `orders.>` for orders; nothing for a service that publishes no stream (notifications). */
export const ownStreamSubjects = (service: ServiceUser): string[] =>
  Object.values(Streams)
    .filter((stream) => stream.publisher === service)
    .map((stream) => `${stream.prefix}.>`);

/** every durable consumer of every service, as [stream, durable] */
const allDurables = (): Array<[StreamName, string]> =>
  SERVICE_USERS.flatMap((service) => BUS_ROLES[service].consumes.map((stream) => [stream, durableName(service, stream)] as [StreamName, string]));

export function servicePermissions(service: ServiceUser): Permissions {
  const { consumes, buckets, deadLetters = [] } = BUS_ROLES[service];
  const durables = consumes.map((stream) => [stream, durableName(service, stream)] as const);
  return {
    publish: {
      allow: [
        ...ownStreamSubjects(service),
        // the router dead-letters as dlq.<stream>.<durable>; nobody else's consumers
        ...durables.map(([stream, durable]) => deadLetterSubject(stream, durable)),
        ...deadLetters,
        // jetstreamManager(): the account info check
        `${API}.INFO`,
        // ensureStreams: every service creates (and reconciles the subjects of) every stream at start-up
        ...STREAM_SPECS.flatMap(({ name }) => [`${API}.STREAM.INFO.${name}`, `${API}.STREAM.CREATE.${name}`, `${API}.STREAM.UPDATE.${name}`]),
        // ensureConsumer + consume(): its own durables only (CREATE.<stream>.<durable>.<filter> on 2.9+ for
        // one filter subject; nats.js sends a consumer with several, filter_subjects on 2.10+, to DURABLE.CREATE)
        ...durables.flatMap(([stream, durable]) => [
          `${API}.CONSUMER.INFO.${stream}.${durable}`,
          `${API}.CONSUMER.CREATE.${stream}.${durable}`,
          `${API}.CONSUMER.CREATE.${stream}.${durable}.>`,
          `${API}.CONSUMER.DURABLE.CREATE.${stream}.${durable}`,
          `${API}.CONSUMER.MSG.NEXT.${stream}.${durable}`,
          // ack, nak, term, in-progress: the reply subject of each delivery
          `$JS.ACK.${stream}.${durable}.>`,
        ]),
        // ensureBucket (which also reconciles the max age) + put/create/update/delete/get on its own buckets
        ...buckets.flatMap((bucket) => [
          `$KV.${bucket}.>`,
          `${API}.STREAM.INFO.KV_${bucket}`,
          `${API}.STREAM.CREATE.KV_${bucket}`,
          `${API}.STREAM.UPDATE.KV_${bucket}`,
          `${API}.DIRECT.GET.KV_${bucket}.>`,
          `${API}.STREAM.MSG.GET.KV_${bucket}`, // get on a bucket created without allow_direct
        ]),
        // /admin/dlq (libs/messaging/src/dlq/routes.ts): reads dead letters (STREAM.MSG.GET) and deletes them.
        // The server cannot limit either to the service's own `dlq.<stream>.<durable>` subjects (the
        // sequence is in the request body); the routes do. A replay publishes on the original subject,
        // so it is refused here unless that is the service's own stream: replay through `checkout dlq`.
        `${API}.STREAM.MSG.GET.${DeadLetters.name}`,
        `${API}.STREAM.MSG.DELETE.${DeadLetters.name}`,
      ],
    },
    subscribe: { allow: [INBOX, ...(service === "orders" ? SOLD_OUT_HINTS : [])] },
  };
}

/**
 * orders listens, outside its durables, to inventory's rejections and releases (its sold-out hint) and
 * reservations (with the rejections: the decisions its hot-SKU gate waits for)
 */
const SOLD_OUT_HINTS = ["inventory.rejected.*", "inventory.released.*", "inventory.reserved.*"];

/**
 * The `checkout` CLI: reads every stream and bucket through ordered (ephemeral) consumers and direct
 * gets, lists streams and consumers, replays a dead letter onto its stream subject and deletes it from
 * the DLQ. It may not touch the services' durables (creating, deleting or pulling from one would
 * replay or steal their messages), nor delete or purge streams.
 */
export function operatorPermissions(): Permissions {
  const durableApis = allDurables().flatMap(([stream, durable]) => [
    `${API}.CONSUMER.CREATE.${stream}.${durable}`,
    `${API}.CONSUMER.CREATE.${stream}.${durable}.>`,
    `${API}.CONSUMER.DELETE.${stream}.${durable}`,
    `${API}.CONSUMER.MSG.NEXT.${stream}.${durable}`,
  ]);
  return {
    publish: {
      allow: [
        ...Object.values(Streams).map((stream) => `${stream.prefix}.>`), // DLQ replay onto the original subject
        `${API}.INFO`,
        `${API}.STREAM.NAMES`,
        `${API}.STREAM.LIST`,
        `${API}.STREAM.INFO.*`,
        `${API}.STREAM.MSG.GET.*`,
        `${API}.DIRECT.GET.>`,
        `${API}.STREAM.MSG.DELETE.${DeadLetters.name}`,
        `${API}.CONSUMER.NAMES.*`,
        `${API}.CONSUMER.LIST.*`,
        `${API}.CONSUMER.INFO.*.*`,
        // named consumers only (CREATE.<stream>.<name>[.<filter>]): the bare CREATE.<stream> would let a
        // request body name a service's durable and rewrite it (its filter, say), past the deny list
        `${API}.CONSUMER.CREATE.*.*`,
        `${API}.CONSUMER.CREATE.*.*.>`,
        `${API}.CONSUMER.DELETE.*.*`,
        `${API}.CONSUMER.MSG.NEXT.*.*`,
        // the answers to an ordered consumer's flow control: without them a large stream or bucket
        // (kv.keys() over reservations) stalls, and the reader ends early with part of it
        "$JS.FC.>",
      ],
      deny: durableApis,
    },
    subscribe: { allow: [INBOX] },
  };
}

export function natsPermissions(): Record<NatsUser, Permissions> {
  return Object.fromEntries(NATS_USERS.map((user) => [user, user === "operator" ? operatorPermissions() : servicePermissions(user)])) as Record<NatsUser, Permissions>;
}

/** `ORDERS_NATS_PASSWORD`: the environment variable nats-server reads the user's password from. */
export const passwordVariable = (user: NatsUser) => `${user.toUpperCase()}_NATS_PASSWORD`;

const list = (subjects: string[], indent: string) => `[\n${subjects.map((subject) => `${indent}  ${JSON.stringify(subject)}`).join(",\n")}\n${indent}]`;
const rules = (name: string, { allow, deny }: { allow: string[]; deny?: string[] }, indent: string) =>
  [`${indent}${name}: {`, `${indent}  allow: ${list(allow, `${indent}  `)}`, ...(deny?.length ? [`${indent}  deny: ${list(deny, `${indent}  `)}`] : []), `${indent}}`].join("\n");

/**
 * The nats-server `authorization` block: one user per service plus `operator`. Passwords are
 * `$<USER>_NATS_PASSWORD` references to nats-server's environment (unquoted, so the server resolves
 * them; it refuses to start when one is missing).
 */
export function authorizationConfig(): string {
  const permissions = natsPermissions();
  const users = NATS_USERS.map((user) =>
    [
      "    {",
      `      user: ${JSON.stringify(user)}`,
      `      password: $${passwordVariable(user)}`,
      "      permissions: {",
      rules("publish", permissions[user].publish, "        "),
      rules("subscribe", permissions[user].subscribe, "        "),
      "      }",
      "    }",
    ].join("\n"),
  );
  return [
    "# Generated from libs/messaging/src/permissions.ts by",
    "#   node --import tsx libs/messaging/scripts/nats-permissions.ts",
    "# Do not edit: deploy/deploy.unit.test.ts fails when this file and the generator differ.",
    "# Passwords come from nats-server's environment: " + NATS_USERS.map((user) => passwordVariable(user)).join(", ") + ".",
    "authorization {",
    "  users = [",
    users.join(",\n"),
    "  ]",
    "}",
    "",
  ].join("\n");
}
