// Preloaded into a service by `npm run bench -- … --profile <dir>` (NODE_OPTIONS=--import this file?dir=…),
// since --cpu-prof is not allowed in NODE_OPTIONS: samples the whole life of the process with the V8
// profiler and writes <dir>/<service>-<pid>.cpuprofile when it exits (the drain ends in process.exit).
// Plain JavaScript: it runs before tsx is registered.
import { Session } from "node:inspector";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = new URL(import.meta.url).searchParams.get("dir") ?? ".";
const service = /apps\/([^/]+)\/(?:src\/main\.ts|dist\/main\.mjs)/.exec(process.argv.join(" "))?.[1] ?? "node";
const session = new Session();
session.connect();
session.post("Profiler.enable");
session.post("Profiler.setSamplingInterval", { interval: 1_000 });
session.post("Profiler.start");

process.on("exit", function writeProfile() {
  // a session on the main thread answers synchronously, so this completes inside the exit handler
  session.post("Profiler.stop", (error, result) => {
    if (error) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${service}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
});
