// The deployment files against the code they describe: compose.yaml, deploy/k8s/*.yaml and
// deploy/nats/** must name only variables the services read, every service, and exactly the streams,
// consumers and buckets the services create. No I/O beyond reading files of the repository.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import type { KV } from "@nats-io/kv";
import { Buckets, deadLetterSubject, Streams } from "@checkout/contracts";
import { filterConfig, STREAM_SPECS } from "../libs/messaging/src/topology.ts";
import { consumerFilter, durableName } from "../libs/messaging/src/router.ts";
import type { Handler } from "../libs/messaging/src/handler.ts";
import { authorizationConfig, BUS_ROLES, NATS_USERS, passwordVariable, SERVICE_USERS, type ServiceUser } from "../libs/messaging/src/permissions.ts";
import { PARKED_CONSUMER } from "../apps/payments/src/worker/park.ts";
import { BUILT_SERVICES, bundlePath, PRODUCTION_NODE_OPTIONS, type BuiltService } from "../scripts/production.ts";
import { OrdersConfig } from "../apps/orders/src/config.ts";
import { InventoryConfig } from "../apps/inventory/src/config.ts";
import { PaymentsConfig } from "../apps/payments/src/config.ts";
import { ShippingConfig } from "../apps/shipping/src/config.ts";
import { shippingHandlers } from "../apps/shipping/src/handlers/index.ts";
import type { Carrier } from "../apps/shipping/src/carrier/carrier.ts";
import { notificationHandlers } from "../apps/notifications/src/handlers/index.ts";
import { NotificationsConfig } from "../apps/notifications/src/config.ts";
import { orderHandlers } from "../apps/orders/src/handlers/index.ts";
import { inventoryHandlers } from "../apps/inventory/src/handlers/index.ts";
import { paymentHandlers } from "../apps/payments/src/handlers/index.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const read = (path: string) => readFileSync(ROOT + path, "utf8");
const json = (path: string) => JSON.parse(read(path)) as Record<string, unknown>;
const NANOS_PER_MS = 1_000_000;

/** Apps with a main.ts that are not long-running services (planned in ARCHITECTURE §2). */
const NOT_SERVICES = new Set(["cli", "bench"]);
/**
 * Services still being built: not in compose.yaml and deploy/k8s yet. When one is ready, add it there
 * (and its config schema and handlers below) and take it off this list.
 */
const NOT_DEPLOYED_YET = new Set<string>([]);
const APPS_WITH_MAIN = readdirSync(ROOT + "apps").filter((app) => existsSync(`${ROOT}apps/${app}/src/main.ts`));
const SERVICES = APPS_WITH_MAIN.filter((app) => !NOT_SERVICES.has(app) && !NOT_DEPLOYED_YET.has(app));

/** The zod schema of each service that has one (the only place a service reads its environment). */
const SCHEMAS = { orders: OrdersConfig, inventory: InventoryConfig, payments: PaymentsConfig, shipping: ShippingConfig, notifications: NotificationsConfig } as const;
type SchemaApp = keyof typeof SCHEMAS;
const hasSchema = (app: string): app is SchemaApp => app in SCHEMAS;
const schemaKeys = (app: SchemaApp) => new Set(Object.keys(SCHEMAS[app].shape));

/** What the image runs for an app: its bundle (scripts/build.ts), built from apps/<app>/src/main.ts. */
const bundleOf = (app: string) => {
  expect(BUILT_SERVICES, `npm run build does not bundle ${app} (scripts/production.ts)`).toContain(app);
  return bundlePath(app as BuiltService);
};
/**
 * The TypeScript file a container command runs: the source of a bundle (`apps/<app>/dist/main.mjs`),
 * or the script given to tsx (`--import tsx scripts/x.ts`).
 */
const sourceOf = (command: string[]) => {
  const entry = command.find((arg) => /\.(ts|mjs)$/.test(arg)) ?? "";
  const source = entry.replace(/^apps\/([a-z-]+)\/dist\/main\.mjs$/, "apps/$1/src/main.ts");
  expect(existsSync(ROOT + source), `${command.join(" ")}: no ${source}`).toBe(true);
  return source;
};
/** The variables a script reads, for the apps without a schema (stripe-sim): `process.env.X` / `env.X`. */
const envReadBy = (path: string) => new Set([...read(path).matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)].map((match) => match[1]!));

/** What each service subscribes to, from its handlers/index.ts: one durable per (service, stream). */
const HANDLERS: Record<SchemaApp, Handler[]> = {
  orders: orderHandlers,
  inventory: inventoryHandlers({ reservationTtlMs: 60_000, holds: {} as KV }),
  payments: paymentHandlers,
  shipping: shippingHandlers({ carrier: {} as Carrier }),
  notifications: notificationHandlers,
};
const expectedDurables = () =>
  Object.entries(HANDLERS)
    .flatMap(([service, handlers]) => handlers.map((handler) => durableName(service, handler.subscribe.stream)))
    .filter((name, index, all) => all.indexOf(name) === index)
    .sort();

/** compose's `${VAR:-default}` with its default, as `docker compose` would without VAR set */
const interpolate = (value: unknown) => String(value).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, "$1");

describe("the service list", () => {
  it("finds the services (guards the tests below against an empty list)", () => {
    expect(SERVICES).toEqual(expect.arrayContaining(["orders", "inventory", "payments", "stripe-sim"]));
  });

  it("knows every app: deployed, not a service, or listed as not deployed yet", () => {
    const known = (app: string) => SERVICES.includes(app) || NOT_SERVICES.has(app) || NOT_DEPLOYED_YET.has(app);
    expect(readdirSync(ROOT + "apps").filter((app) => !known(app))).toEqual([]);
    for (const app of NOT_DEPLOYED_YET) expect(SERVICES, `${app} is listed as not deployed yet`).not.toContain(app);
  });
});

describe("compose.yaml", () => {
  const compose = parse(read("compose.yaml"), { merge: true }) as { services: Record<string, any>; volumes?: Record<string, unknown> };
  const env = (service: string) => (compose.services[service]?.environment ?? {}) as Record<string, unknown>;

  it.each(SERVICES)("runs %s", (app) => {
    expect(compose.services, `compose.yaml has no service "${app}"`).toHaveProperty(app);
  });

  it.each(SERVICES.filter(hasSchema))("starts %s from its bundle, built from the Dockerfile", (app) => {
    expect(compose.services[app].build).toBe(".");
    expect(compose.services[app].command).toEqual([bundleOf(app)]);
  });

  it.each(SERVICES)("gives %s only variables it reads, with values its config accepts", (app) => {
    const names = Object.keys(env(app));
    if (hasSchema(app)) {
      const known = schemaKeys(app);
      expect(names.filter((name) => !known.has(name) && name !== "NODE_OPTIONS"), `not in apps/${app}/src/config.ts`).toEqual([]);
      expect(env(app).NODE_OPTIONS, "the heap cap the benchmark measures with").toBe(PRODUCTION_NODE_OPTIONS);
      const values = Object.fromEntries(Object.entries(env(app)).map(([name, value]) => [name, interpolate(value)]));
      const parsed = SCHEMAS[app].safeParse(values);
      expect(parsed.success, parsed.success ? "" : parsed.error.message).toBe(true);
    } else {
      const entry = sourceOf(compose.services[app].command as string[]);
      const known = envReadBy(entry);
      expect(names.filter((name) => !known.has(name) && name !== "NODE_OPTIONS"), `not read by ${entry}`).toEqual([]);
      if (entry.startsWith("apps/")) expect(env(app).NODE_OPTIONS, "the heap cap the benchmark measures with").toBe(PRODUCTION_NODE_OPTIONS);
    }
  });

  it.each(SERVICES.filter(hasSchema))("connects %s over the container network, to its own database", (app) => {
    const values = env(app);
    expect(values.HOST).toBe("0.0.0.0");
    expect(values.NATS_URL).toBe("nats://nats:4222");
    expect(new URL(interpolate(values.DATABASE_URL)).host).toBe("postgres:5432");
    expect(new URL(interpolate(values.DATABASE_URL)).pathname).toBe(`/checkout_${app}`);
    expect(compose.services[app].depends_on?.nats?.condition).toBe("service_healthy");
    expect(compose.services[app].depends_on?.postgres?.condition).toBe("service_healthy");
  });

  it("points orders at inventory and payments at stripe-sim on the ports they listen on", () => {
    expect(env("orders").REDIS_URL).toBe("redis://redis:6379");
    expect(env("orders").INVENTORY_URL).toBe(`http://inventory:${env("inventory").PORT}`);
    expect(env("payments").STRIPE_API_URL).toBe(`http://stripe-sim:${env("stripe-sim").STRIPE_SIM_PORT}`);
    expect(env("stripe-sim").STRIPE_SIM_HOST).toBe("0.0.0.0");
    expect(compose.services.orders.ports).toContain("3000:3000");
  });

  it("runs nats from deploy/nats/nats-server.conf, with JetStream on a volume and monitoring on 8222", () => {
    const nats = compose.services.nats;
    expect(nats.image).toMatch(/^nats:2\.(1\d|[2-9]\d)/);
    expect(nats.command).toEqual(["-c", "/etc/nats/nats-server.conf"]); // `-sd` beside the file's store_dir is refused
    expect(nats.volumes).toContain("./deploy/nats:/etc/nats:ro");
    const conf = read("deploy/nats/nats-server.conf");
    expect(conf).toMatch(/^jetstream \{[^}]*store_dir: "\/data"/m);
    expect(conf).toMatch(/^http: 0\.0\.0\.0:8222$/m);
    expect(nats.volumes).toContain("nats-data:/data");
    expect(compose.volumes).toHaveProperty("nats-data");
    expect(compose.services.postgres.image).toBe("postgres:15");
    expect(compose.services.postgres.healthcheck).toBeDefined();
    expect(compose.services.redis.image).toBe("redis:7");
  });

  it("gives nats every user's password, and each service its own NATS user with the same password", () => {
    const natsEnv = env("nats");
    expect(Object.keys(natsEnv).sort()).toEqual(NATS_USERS.map(passwordVariable).sort());
    for (const app of SERVICES.filter(hasSchema)) {
      expect(env(app).NATS_USER, app).toBe(app);
      expect(env(app).NATS_PASSWORD, app).toBe(natsEnv[passwordVariable(app as ServiceUser)]);
    }
  });
});

describe("Dockerfile", () => {
  const dockerfile = read("Dockerfile");
  it("builds the bundles and runs them on node:24-slim as a non-root user, with a /healthz check", () => {
    expect(dockerfile).toMatch(/^FROM node:24-slim$/m);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node"\]$/m);
    expect(dockerfile).toMatch(/^CMD \["apps\/orders\/dist\/main.mjs"\]$/m);
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/healthz/);
  });
  it("gives every run of the image the heap the benchmark measures with", () => {
    expect(dockerfile).toContain(`NODE_OPTIONS="${PRODUCTION_NODE_OPTIONS}"`);
  });
  it("keeps the root postinstall (the patches of scripts/patch-dependencies.mjs) in the layer that runs npm ci", () => {
    const postinstall: string = JSON.parse(read("package.json")).scripts.postinstall;
    const script = /^node (\S+)$/.exec(postinstall)?.[1];
    expect(script).toBe("scripts/patch-dependencies.mjs");
    expect(dockerfile).toContain(`! -path ./${script}`);
  });
});

describe("deploy/k8s", () => {
  const documents = readdirSync(ROOT + "deploy/k8s")
    .filter((file) => /\.ya?ml$/.test(file))
    .flatMap((file) =>
      parseAllDocuments(read(`deploy/k8s/${file}`)).map((document) => {
        expect(document.errors, `deploy/k8s/${file}`).toEqual([]);
        return document.toJS() as { kind: string; metadata: { name: string; namespace?: string }; spec?: any; data?: Record<string, string>; stringData?: Record<string, string> };
      }),
    );
  const find = (kind: string, name: string) => documents.find((document) => document.kind === kind && document.metadata.name === name);
  const deployment = (app: string) => find("Deployment", app)!;
  const container = (app: string) => deployment(app).spec.template.spec.containers[0];

  it("has the namespace, and puts everything in it", () => {
    expect(find("Namespace", "checkout")).toBeDefined();
    for (const document of documents.filter((d) => d.kind !== "Namespace")) expect(document.metadata.namespace, `${document.kind}/${document.metadata.name}`).toBe("checkout");
  });

  it.each(SERVICES)("has a Deployment, a Service and a PodDisruptionBudget for %s", (app) => {
    expect(find("Deployment", app), `no Deployment ${app}`).toBeDefined();
    expect(find("Service", app), `no Service ${app}`).toBeDefined();
    expect(find("PodDisruptionBudget", app), `no PodDisruptionBudget ${app}`).toBeDefined();
  });

  it.each(SERVICES.filter(hasSchema))("runs %s with 2 replicas, probes, a 256Mi memory limit and a drain that fits", (app) => {
    const spec = deployment(app).spec;
    expect(spec.replicas).toBe(2);
    expect(container(app).args).toEqual([bundleOf(app)]);
    expect(container(app).readinessProbe.httpGet.path).toBe("/readyz");
    expect(container(app).livenessProbe.httpGet.path).toBe("/healthz");
    expect(container(app).resources.limits.memory).toBe("256Mi");
    const nodeOptions = (container(app).env as Array<{ name: string; value?: string }>).find((entry) => entry.name === "NODE_OPTIONS");
    expect(nodeOptions?.value, "the heap cap the benchmark measures with").toBe(PRODUCTION_NODE_OPTIONS);
    expect(container(app).resources.requests).toBeDefined();
    const config = find("ConfigMap", `${app}-config`)!.data!;
    const grace = Number(config.SHUTDOWN_GRACE_MS ?? SCHEMAS[app].parse({}).SHUTDOWN_GRACE_MS);
    const preStop = Number(container(app).lifecycle?.preStop?.exec?.command?.[1] ?? 0);
    expect(spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(grace + preStop * 1000);
    expect(Number(config.PORT)).toBe(container(app).ports[0].containerPort);
  });

  it.each(SERVICES.filter(hasSchema))("gives %s only variables its config declares, from a ConfigMap and a Secret it accepts", (app) => {
    const refs = container(app).envFrom as Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
    const configMap = find("ConfigMap", refs.find((ref) => ref.configMapRef)!.configMapRef!.name);
    const secret = find("Secret", refs.find((ref) => ref.secretRef)!.secretRef!.name);
    expect(configMap, "ConfigMap").toBeDefined();
    expect(secret, "Secret").toBeDefined();
    const values = { ...configMap!.data, ...secret!.stringData };
    const known = schemaKeys(app);
    expect(Object.keys(values).filter((name) => !known.has(name))).toEqual([]);
    const direct = ((container(app).env ?? []) as Array<{ name: string }>).map((entry) => entry.name);
    expect(direct.filter((name) => !known.has(name) && name !== "NODE_OPTIONS")).toEqual([]);
    expect(Object.keys(secret!.stringData!)).toContain("DATABASE_URL");
    expect(Object.keys(configMap!.data!)).not.toContain("DATABASE_URL");
    expect(Object.keys(configMap!.data!)).not.toContain("STRIPE_SECRET_KEY");
    const parsed = SCHEMAS[app].safeParse(values);
    expect(parsed.success, parsed.success ? "" : parsed.error.message).toBe(true);
  });

  it.each(SERVICES.filter(hasSchema))("connects %s to NATS as its own user, with the password in its Secret", (app) => {
    const secret = find("Secret", `${app}-secrets`)!.stringData!;
    expect(secret.NATS_USER).toBe(app);
    expect(secret.NATS_PASSWORD).toBeTruthy();
  });

  it("has the passwords nats-server reads, one per user of deploy/nats/permissions.conf", () => {
    expect(Object.keys(find("Secret", "nats-passwords")!.stringData!).sort()).toEqual(NATS_USERS.map(passwordVariable).sort());
  });

  it("keeps the Stripe key of payments in its Secret", () => {
    expect(Object.keys(find("Secret", "payments-secrets")!.stringData!)).toContain("STRIPE_SECRET_KEY");
  });

  it("runs one stripe-sim (its state is in memory) with variables it reads", () => {
    expect(deployment("stripe-sim").spec.replicas).toBe(1);
    const entry = sourceOf(container("stripe-sim").args as string[]);
    expect(entry).toBe("apps/stripe-sim/src/main.ts");
    const known = envReadBy(entry);
    const names = (container("stripe-sim").env as Array<{ name: string }>).map((entry) => entry.name);
    expect(names.filter((name) => !known.has(name) && name !== "NODE_OPTIONS")).toEqual([]);
  });
});

describe("deploy/nats", () => {
  const streamFiles = readdirSync(ROOT + "deploy/nats/streams").filter((file) => file.endsWith(".json"));
  const consumerFiles = readdirSync(ROOT + "deploy/nats/consumers").filter((file) => file.endsWith(".json"));

  it("has one stream file per stream of STREAM_SPECS, and no other", () => {
    expect(streamFiles.map((file) => file.replace(/\.json$/, "")).sort()).toEqual(STREAM_SPECS.map((spec) => spec.name).sort());
  });

  it.each(STREAM_SPECS.map((spec) => [spec.name, spec] as const))("describes stream %s as topology.ts creates it", (name, spec) => {
    const config = json(`deploy/nats/streams/${name}.json`);
    expect(config).toMatchObject({
      name: spec.name,
      subjects: spec.subjects,
      max_age: spec.maxAgeMs * NANOS_PER_MS,
      storage: "file",
      retention: "limits",
      discard: "old",
      duplicate_window: 2 * 60 * 1000 * NANOS_PER_MS,
      num_replicas: 1,
    });
  });

  it("has one consumer file per durable the services create, named <service>-<stream>", () => {
    const durables = consumerFiles.map((file) => String(json(`deploy/nats/consumers/${file}`).durable_name));
    expect(consumerFiles.map((file) => file.replace(/\.json$/, ""))).toEqual(durables);
    const ofCheckedServices = durables.filter((durable) => Object.keys(HANDLERS).some((service) => durable.startsWith(`${service}-`)));
    expect(ofCheckedServices.sort()).toEqual(expectedDurables());
  });

  it.each(consumerFiles)("configures %s as ensureConsumer does", (file) => {
    const config = json(`deploy/nats/consumers/${file}`);
    const match = /^(?<service>[a-z][a-z-]*)-(?<stream>[a-z]+)$/.exec(String(config.durable_name));
    expect(match, `${String(config.durable_name)} is not <service>-<stream>`).not.toBeNull();
    const { service, stream } = match!.groups!;
    expect(APPS_WITH_MAIN).toContain(service);
    const spec = Streams[stream!.toUpperCase() as keyof typeof Streams];
    expect(spec, `no stream ${stream!.toUpperCase()}`).toBeDefined();
    expect(config).toMatchObject({
      durable_name: durableName(service!, spec.name),
      ack_policy: "explicit",
      deliver_policy: "all",
      ack_wait: OrdersConfig.parse({}).ACK_WAIT_MS * NANOS_PER_MS, // the ACK_WAIT_MS default of every service
      max_deliver: -1,
    });
    // production runs nats-server 2.10+: the filter the service's router sets there (ADR 0013)
    expect(hasSchema(service!), `no handlers known for ${service}`).toBe(true);
    const handlers = HANDLERS[service as SchemaApp].filter((handler) => handler.subscribe.stream === spec.name);
    expect({ filter_subject: config.filter_subject, filter_subjects: config.filter_subjects }).toEqual(filterConfig(consumerFilter(spec.name, handlers, true)));
  });

  it("lists the KV buckets the services create", () => {
    const { buckets } = json("deploy/nats/kv.json") as { buckets: Array<{ bucket: string; max_age: number; history: number; storage: string }> };
    expect(buckets.map((bucket) => bucket.bucket).sort()).toEqual(Object.values(Buckets).sort());
    const byName = Object.fromEntries(buckets.map((bucket) => [bucket.bucket, bucket]));
    expect(byName[Buckets.idempotency]!.max_age).toBe(OrdersConfig.parse({}).IDEMPOTENCY_TTL_MS * NANOS_PER_MS);
    expect(byName[Buckets.reservations]!.max_age).toBe(InventoryConfig.parse({}).HOLDS_MAX_AGE_MS * NANOS_PER_MS);
    for (const bucket of buckets) expect(bucket).toMatchObject({ history: 1, storage: "file" });
  });

  it("includes the users and permissions libs/messaging/src/permissions.ts generates, unedited", () => {
    expect(read("deploy/nats/nats-server.conf")).toMatch(/^include \.\/permissions\.conf$/m);
    expect(read("deploy/nats/permissions.conf"), "regenerate: node --import tsx libs/messaging/scripts/nats-permissions.ts").toBe(authorizationConfig());
  });

  it("gives a NATS user to every service, with the streams its handlers consume and the buckets it creates", () => {
    expect([...SERVICE_USERS].sort()).toEqual(Object.keys(HANDLERS).sort());
    for (const [service, handlers] of Object.entries(HANDLERS)) {
      const streams = [...new Set(handlers.map((handler) => handler.subscribe.stream))].sort();
      expect([...BUS_ROLES[service as ServiceUser].consumes].sort(), service).toEqual(streams);
    }
    const { buckets } = json("deploy/nats/kv.json") as { buckets: Array<{ bucket: string; created_by: string }> };
    for (const service of SERVICE_USERS) {
      expect(BUS_ROLES[service].buckets, service).toEqual(buckets.filter((bucket) => bucket.created_by === service).map((bucket) => bucket.bucket));
    }
    expect(BUS_ROLES.payments.deadLetters).toEqual([deadLetterSubject("PAYMENTS", PARKED_CONSUMER)]);
  });
});
