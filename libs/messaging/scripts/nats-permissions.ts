// Writes deploy/nats/permissions.conf (the users and permissions nats-server.conf includes) from
// libs/messaging/src/permissions.ts. Run it after changing a stream, a consumer, a bucket or a role:
//
//   node --import tsx libs/messaging/scripts/nats-permissions.ts           # write
//   node --import tsx libs/messaging/scripts/nats-permissions.ts --check   # exit 1 when it differs
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { authorizationConfig } from "../src/permissions.ts";

const target = fileURLToPath(new URL("../../../deploy/nats/permissions.conf", import.meta.url));
const generated = authorizationConfig();

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {}
  if (current !== generated) {
    console.error(`${target} differs from libs/messaging/src/permissions.ts: run node --import tsx libs/messaging/scripts/nats-permissions.ts`);
    process.exit(1);
  }
  console.log(`${target} is up to date`);
} else {
  writeFileSync(target, generated);
  console.log(`wrote ${target}`);
}
