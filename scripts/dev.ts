// The whole system on the local infrastructure (PostgreSQL, Redis, nats-server on their default ports;
// `bash scripts/ensure-infra.sh` starts them): stripe-sim, inventory, payments, shipping, notifications
// and orders as child processes, each started from its own main.ts, one after the other once the
// previous one is ready. Then demo stock for every catalog SKU that has none, and a banner with a curl
// walkthrough (the same as README.md § Walkthrough).
//
//   npm run dev                         # the same as `npm start` without ensure-infra and npm ci
//   ORDERS_PORT=4000 npm run dev        # also INVENTORY_PORT, PAYMENTS_PORT, SHIPPING_PORT, NOTIFICATIONS_PORT, STRIPE_SIM_PORT
//   DEV_LOG=json npm run dev            # raw pino JSON lines instead of the compact form
//
// Ctrl-C (SIGINT) or SIGTERM is passed on to every service, which drains; a second one forces them.
// A service that dies on its own while the system starts stops the others and makes this exit non-zero;
// once everything is up, it is restarted (as compose and Kubernetes do), unless it dies 5 times within a
// minute, which stops everything too. The rest of the
// environment is passed to the services (e.g. `CARRIER_LATENCY_MS=5000 npm run dev`), except PORT and
// DATABASE_URL. When this runs in the background under `npm run dev`, signal this node process itself:
// npm passes a signal to its `sh -c` child, which does not pass it on.
// This is a development tool: reading process.env here is fine (services read theirs in libs/config).
import { spawn, type ChildProcess } from "node:child_process";
import { createConnection } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { CATALOG_SKUS } from "../apps/orders/src/seed/catalog.ts";
import { seedStock } from "./seed-stock.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const env = process.env;
const SEED_UNITS = 100;
const READY_TIMEOUT_MS = Number(env.DEV_READY_TIMEOUT_MS ?? 60_000);

type Name = "stripe-sim" | "inventory" | "payments" | "shipping" | "notifications" | "orders";

const portOf = (variable: string, fallback: number): number => {
  const raw = env[variable];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`${variable} must be a port number (1-65535), got ${JSON.stringify(raw)}`);
  return port;
};

const ports: Record<Name, number> = {
  "stripe-sim": portOf("STRIPE_SIM_PORT", 12111),
  inventory: portOf("INVENTORY_PORT", 3001),
  payments: portOf("PAYMENTS_PORT", 3002),
  shipping: portOf("SHIPPING_PORT", 3003),
  notifications: portOf("NOTIFICATIONS_PORT", 3004),
  orders: portOf("ORDERS_PORT", 3000),
};
const urlOf = (name: Name) => `http://127.0.0.1:${ports[name]}`;

// What each service gets on top of the inherited environment (NATS_URL, LOG_LEVEL, ... pass through;
// PORT and DATABASE_URL do not: each service has its own port and database).
const START_ORDER: Name[] = ["stripe-sim", "inventory", "payments", "shipping", "notifications", "orders"];
const serviceEnv: Record<Name, Record<string, string>> = {
  "stripe-sim": { STRIPE_SIM_PORT: String(ports["stripe-sim"]) },
  inventory: { PORT: String(ports.inventory) },
  payments: { PORT: String(ports.payments), STRIPE_API_URL: urlOf("stripe-sim") },
  shipping: { PORT: String(ports.shipping) },
  notifications: { PORT: String(ports.notifications) },
  orders: { PORT: String(ports.orders), INVENTORY_URL: urlOf("inventory"), SEED_CATALOG: "true" },
};
const readyPath: Record<Name, string> = { "stripe-sim": "/_sim/config", inventory: "/readyz", payments: "/readyz", shipping: "/readyz", notifications: "/readyz", orders: "/readyz" };

// --- output ------------------------------------------------------------------------------------------
const colour = process.stdout.isTTY ? !("NO_COLOR" in env) : "FORCE_COLOR" in env;
const paint = (code: number, text: string) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
const COLOURS: Record<Name | "dev", number> = { "stripe-sim": 35, inventory: 32, payments: 33, shipping: 34, notifications: 95, orders: 36, dev: 1 };
const width = Math.max(...START_ORDER.map((name) => name.length));
const tag = (name: Name | "dev") => paint(COLOURS[name], name.padEnd(width)) + " │ ";
const say = (text: string) => console.log(tag("dev") + text);
const LEVEL_COLOURS: Record<string, number> = { trace: 90, debug: 90, info: 32, warn: 33, error: 31, fatal: 41 };
const SHOWN_FIELDS = ["orderId", "consumer", "subject", "eventType", "type", "status", "reason", "url", "signal"];

function fail(message: string): never {
  console.error(paint(31, `dev: ${message}`));
  process.exit(1);
}

/** A pino JSON line as `time level msg key=value …`; any other line as it is. */
function compact(line: string): string {
  if (env.DEV_LOG === "json" || !line.startsWith("{")) return line;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof entry.time === "string" ? entry.time.slice(11, 23) : typeof entry.time === "number" ? new Date(entry.time).toISOString().slice(11, 23) : "";
  const level = String(entry.level ?? "info");
  const fields = SHOWN_FIELDS.filter((key) => entry[key] !== undefined && typeof entry[key] !== "object").map((key) => `${key}=${String(entry[key])}`);
  const err = entry.err as { message?: string } | string | undefined;
  if (err) fields.push(`err=${typeof err === "string" ? err : (err.message ?? JSON.stringify(err))}`);
  return [paint(90, time), paint(LEVEL_COLOURS[level] ?? 0, level.toUpperCase().padEnd(5)), String(entry.msg ?? ""), paint(90, fields.join(" "))].filter(Boolean).join(" ");
}

// --- children ----------------------------------------------------------------------------------------
interface Child {
  name: Name;
  process: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Map<Name, Child>();
let shuttingDown = false;
/** set once every service is ready: from then on a service that dies is restarted */
let supervising = false;
const RESTARTS_PER_MINUTE = 5;
const deaths = new Map<Name, number[]>();

function start(name: Name): Child {
  const inherited = { ...env };
  delete inherited.PORT;
  delete inherited.DATABASE_URL;
  // detached: a terminal Ctrl-C reaches only this process, which passes it on once (a second signal
  // would make a service skip its drain)
  const child = spawn(process.execPath, ["--import", "tsx", `apps/${name}/src/main.ts`], {
    cwd: ROOT,
    env: { ...inherited, ...serviceEnv[name] },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on("line", (line) => console.log(tag(name) + compact(line)));
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", (error) => {
      console.error(tag(name) + paint(31, `could not start: ${error.message}`));
      resolve({ code: 1, signal: null });
    });
  });
  const entry: Child = { name, process: child, exited };
  children.set(name, entry);
  void exited.then(({ code, signal }) => {
    children.delete(name);
    if (shuttingDown) return;
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const recent = [...(deaths.get(name) ?? []), Date.now()].filter((at) => at > Date.now() - 60_000);
    deaths.set(name, recent);
    if (supervising && recent.length < RESTARTS_PER_MINUTE) {
      console.error("\n" + paint(43, ` ⚠ ${name} ${how} unexpectedly `) + paint(33, ` — restarting it (${recent.length} in the last minute)\n`));
      setTimeout(() => {
        if (shuttingDown) return;
        start(name);
        waitReady(name).then(
          () => say(`${name} is ready again`),
          (error: Error) => console.error(paint(31, `dev: ${error.message}`)),
        );
      }, 1_000);
      return;
    }
    const why = supervising ? `${recent.length} times in a minute` : "unexpectedly";
    console.error("\n" + paint(41, ` ✖ ${name} ${how} ${why} `) + paint(31, " — stopping the other services\n"));
    void shutdown("SIGTERM", 1);
  });
  return entry;
}

async function waitReady(name: Name): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!children.has(name) || shuttingDown) throw new Error(`${name} stopped before it was ready`);
    const response = await fetch(urlOf(name) + readyPath[name], { signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
    await response?.body?.cancel();
    if (response?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name} was not ready on ${urlOf(name)}${readyPath[name]} after ${READY_TIMEOUT_MS / 1000}s`);
}

const portInUse = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.setTimeout(500);
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(false));
  });

let finished: Promise<never> | undefined;
/** Signals every service (the simulator last), waits for them to exit, then exits. */
function shutdown(signal: NodeJS.Signals, exitCode: number): Promise<never> {
  if (finished) return finished;
  shuttingDown = true;
  const signalAll = async (names: Name[]) => {
    const targets = names.map((name) => children.get(name)).filter((child): child is Child => child !== undefined);
    for (const child of targets) child.process.kill(signal);
    await Promise.all(targets.map((child) => child.exited));
  };
  finished = (async () => {
    say(`stopping (${signal}): draining ${[...children.keys()].join(", ") || "nothing"}`);
    await signalAll(["orders", "notifications", "shipping", "payments", "inventory"]);
    await signalAll(["stripe-sim"]);
    say(exitCode === 0 ? "all services stopped" : paint(31, "stopped after a failure"));
    process.exit(exitCode);
  })();
  return finished;
}

// Under `npm run`, one Ctrl-C arrives twice (from the terminal, and passed on by npm): a repeat within
// a second is the same request, a later one means "stop now".
let firstSignalAt = 0;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (!firstSignalAt) {
      firstSignalAt = Date.now();
      return void shutdown(signal, 0);
    }
    if (Date.now() - firstSignalAt < 1_000) return;
    say(paint(33, `${signal} again: forcing the services to stop now`));
    for (const child of children.values()) child.process.kill(signal); // a second signal skips the drain
  });
}
// if this process goes away some other way, do not leave the services behind
process.on("exit", () => {
  for (const child of children.values()) child.process.kill("SIGTERM");
});

// --- stock and banner -----------------------------------------------------------------------------
async function stock(): Promise<void> {
  const seeded = await seedStock({ inventoryUrl: urlOf("inventory"), units: SEED_UNITS });
  say(
    seeded.length
      ? `stock: ${SEED_UNITS} units put on hand for ${seeded.length} SKU(s) that had none (${seeded.join(", ")})`
      : `stock: all ${CATALOG_SKUS.length} catalog SKUs already have stock; left as they are`,
  );
}

/**
 * The walkthrough of the banner. README.md (§ Walkthrough) has the same lines with the default ports:
 * change both together. No comment lines: zsh does not accept `#` comments typed or pasted at its prompt.
 */
function walkthrough(): string {
  const O = urlOf("orders");
  const mailbox = `${urlOf("notifications")}/api/mailbox`;
  return String.raw`O=${O}
TOKEN=$(npx checkout token --user alice); AUTH="Authorization: Bearer $TOKEN"
curl -s $O/api/products | jq -r '.products[] | "\(.sku)  \(.price.amount) \(.price.currency)  available \(.available)"'
CART=$(curl -H "$AUTH" -s -X POST $O/api/cart | jq -r .cartId)
curl -H "$AUTH" -s -X POST $O/api/cart/$CART/items -H 'content-type: application/json' -d '{"sku":"TSHIRT-RED-M","qty":2}' | jq -c .
ADDRESS='{"name":"Ada Lovelace","line1":"1 Main St","city":"Springfield","postalCode":"62701","region":"US-IL","country":"US"}'
curl -H "$AUTH" -s -X POST $O/api/cart/$CART/quote -H 'content-type: application/json' -d "{\"address\":$ADDRESS,\"promoCode\":\"WELCOME10\"}" | jq -c .
KEY=demo-$(date +%s)
BODY="{\"cartId\":\"$CART\",\"email\":\"ada@example.com\",\"paymentMethod\":\"pm_card_visa\",\"promoCode\":\"WELCOME10\",\"address\":$ADDRESS}"
RESP=$(curl -H "$AUTH" -s -X POST $O/api/checkout -H 'content-type: application/json' -H "Idempotency-Key: $KEY" -d "$BODY"); echo "$RESP" | jq -c .
ORDER=$(echo "$RESP" | jq -r .orderId)
curl -H "$AUTH" -si -X POST $O/api/checkout -H 'content-type: application/json' -H "Idempotency-Key: $KEY" -d "$BODY" | grep -i -e '^HTTP' -e '^idempotent-replayed'
sleep 1; curl -H "$AUTH" -s $O/api/orders/$ORDER | jq '{status, tracking, timeline: [.timeline[] | "\(.type) (\(.source))"]}'
curl -s "${mailbox}?orderId=$ORDER" | jq -c '.items[] | {kind, to, subject}'
curl -H "$AUTH" -s -X POST $O/api/orders/$ORDER/cancel | jq -c .
npx checkout trace $ORDER
place() {
  C=$(curl -H "$AUTH" -s -X POST $O/api/cart | jq -r .cartId)
  curl -H "$AUTH" -s -o /dev/null -X POST $O/api/cart/$C/items -H 'content-type: application/json' -d '{"sku":"MUG-LOGO","qty":1}'
  curl -H "$AUTH" -s -X POST $O/api/checkout -H 'content-type: application/json' -H "Idempotency-Key: $C" \
    -d "{\"cartId\":\"$C\",\"email\":\"ada@example.com\",\"paymentMethod\":\"$1\",\"address\":$ADDRESS}" | jq -r .orderId
}
ORDER=$(place pm_card_visa); curl -H "$AUTH" -N $O/api/orders/$ORDER/events
curl -H "$AUTH" -N -H 'Last-Event-ID: 2' $O/api/orders/$ORDER/events
ORDER=$(place pm_card_chargeDeclined); sleep 1; curl -H "$AUTH" -s $O/api/orders/$ORDER | jq -c '{status, cancelReason, cancelDetail, timeline: [.timeline[].type]}'
curl -s "${mailbox}?orderId=$ORDER" | jq -c '.items[] | {kind, to, subject}'`;
}

function banner(): string {
  const b = (text: string) => paint(1, text);
  const row = (name: Name, paths: string) => `  ${name.padEnd(14)}${urlOf(name).padEnd(25)}${paths}`;
  return `
${b("Checkout is running")}
${row("orders", "/api/products, /api/cart, /api/checkout, /api/orders/:id[/cancel|/events]")}
${row("inventory", "/api/stock, /api/reservations/:orderId")}
${row("payments", "/api/payments/:orderId")}
${row("shipping", "/api/shipments/:orderId")}
${row("notifications", "/api/mailbox?orderId=&to=, /api/mailbox/:id, /api/notifications/:orderId")}
${row("stripe-sim", "/_sim/config, /_sim/stats, /_sim/payment_intents?order_id=…")}
  each service: /healthz /readyz /metrics; nats: ${env.NATS_URL || "nats://127.0.0.1:4222"}; npx checkout trace <orderId> | streams

${b("Try it")} (in another terminal, from this repository, with curl and jq; README.md § Walkthrough explains each step):
${walkthrough()
  .split("\n")
  .map((line) => `  ${line}`)
  .join("\n")}

Ctrl-C stops everything (each service drains first).
`;
}

// --- main --------------------------------------------------------------------------------------------
for (const name of START_ORDER) {
  if (await portInUse(ports[name])) {
    fail(`port ${ports[name]} (${name}) is already in use: another \`npm run dev\`? Stop it, or choose other ports (${name === "stripe-sim" ? "STRIPE_SIM_PORT" : `${name.toUpperCase()}_PORT`}=…)`);
  }
}

try {
  for (const name of START_ORDER) {
    say(`starting ${name} on ${urlOf(name)}`);
    start(name);
    await waitReady(name);
    say(`${name} is ready`);
  }
  await stock();
  supervising = true;
} catch (error) {
  if (!shuttingDown) {
    console.error(paint(31, `dev: ${(error as Error).message}`));
    await shutdown("SIGTERM", 1);
  }
  await finished;
}
console.log(banner());
