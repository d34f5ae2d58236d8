import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { NatsConnection } from "@nats-io/transport-node";
import { createLogger } from "@checkout/log";
import { startNatsServer, type NatsServer } from "@checkout/testing";
import { connectNats } from "./nats.ts";

// nats.js (@nats-io/nats-core 3.4.0) as installed, with the patch of scripts/patch-dependencies.mjs, on a
// connection made as the services make theirs (noAsyncTraces): an answered request must not build a
// RequestError (with its stack trace) to reject a promise that is already resolved. Unpatched, every
// answered request builds one. The count goes through the module object that lib/request.js reads
// RequestError from at each use.

const require = createRequire(import.meta.url);
const errors = require(join(dirname(require.resolve("@nats-io/nats-core")), "errors.js")) as { RequestError: new (...args: unknown[]) => Error };

let server: NatsServer;
let nc: NatsConnection;
beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats({ url: server.url, name: "nats-driver-test", log: createLogger({ service: "test", level: "silent" }) });
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

describe("nats.js requests, patched", () => {
  it("answers 200 requests in order without building an error for any, and still rejects a request nobody answers and one that times out", async () => {
    nc.subscribe("echo", {
      callback: (_, msg) => {
        msg.respond(msg.data);
      },
    });
    await nc.flush();
    const Original = errors.RequestError;
    let built = 0;
    errors.RequestError = class CountedRequestError extends Original {
      constructor(...args: unknown[]) {
        super(...args);
        built += 1;
      }
    };
    try {
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => nc.request("echo", String(i), { timeout: 5_000 })));
      expect(answers.map((answer) => answer.string())).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
      expect(built).toBe(0); // unpatched: 200

      await expect(nc.request("nobody.listens", "?", { timeout: 1_000 })).rejects.toThrow(/no responders/i);
      nc.subscribe("never.answers", { callback: () => {} });
      await expect(nc.request("never.answers", "?", { timeout: 50 })).rejects.toThrow(/timeout/i);
    } finally {
      errors.RequestError = Original;
    }
  });
});
