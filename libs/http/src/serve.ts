import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import type { AddressInfo } from "node:net";

export interface RunningServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Listens on host:port (0 = any free port) and resolves once the socket is open. */
export function listen(app: Hono<any>, { host = "127.0.0.1", port = 0 }: { host?: string; port?: number } = {}): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      resolve({
        port: info.port,
        url: `http://${host}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
            setTimeout(() => (server as { closeAllConnections?: () => void }).closeAllConnections?.(), 2_000).unref();
          }),
      });
    });
    server.once("error", reject);
  });
}
