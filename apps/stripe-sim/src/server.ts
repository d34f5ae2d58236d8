// Serves a simulator on a real socket; port 0 picks a free port (handy for tests).
import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { createStripeSim } from "./app.ts";
import type { StripeSim, StripeSimOptions } from "./app.ts";

export interface StartStripeSimOptions extends StripeSimOptions {
  port?: number;
  host?: string;
}

export interface RunningStripeSim {
  url: string;
  port: number;
  host: string;
  sim: StripeSim;
  close(): Promise<void>;
}

export function startStripeSim({ port = 0, host = "127.0.0.1", ...options }: StartStripeSimOptions = {}): Promise<RunningStripeSim> {
  const sim = createStripeSim(options);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: sim.app.fetch, port, hostname: host }, function onListening(info: AddressInfo) {
      server.off("error", reject);
      resolve({
        url: `http://${host}:${info.port}`,
        port: info.port,
        host,
        sim,
        close: function close() {
          return new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            if ("closeAllConnections" in server) server.closeAllConnections(); // keep-alive and hung sockets
          });
        },
      });
    });
    server.once("error", reject);
  });
}
