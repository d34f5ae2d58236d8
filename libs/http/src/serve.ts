import { createAdaptorServer } from "@hono/node-server";
import type { Hono } from "hono";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";

const REFUSALS: Record<string, { status: number; title: string; code: string; detail: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, title: "Request Header Fields Too Large", code: "headers_too_large", detail: "the request line and headers exceed 16 KiB" },
  HPE_REQUEST_TIMEOUT: { status: 408, title: "Request Timeout", code: "request_timeout", detail: "the request was not received in time" },
};
const MALFORMED = { status: 400, title: "Bad Request", code: "malformed_request", detail: "the request is not valid HTTP/1.1" };

/**
 * A request Node's HTTP parser refuses (headers over 16 KiB, not HTTP at all) never reaches the app, and
 * Node would answer it with an empty body. Answer it with problem+json like every other refusal.
 */
function refuseUnparsable(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, title, code, detail } = REFUSALS[error.code ?? ""] ?? MALFORMED;
  const body = JSON.stringify({ type: `https://checkout.dev/problems/${code}`, title, status, code, detail });
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export interface RunningServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

/**
 * The accept queue: connections the kernel completes before the process takes them. Node's default of
 * 511 overflows when a flash sale's buyers connect at once, and a connection that does not fit is
 * dropped and retried by the client after 1, 3, 7… seconds: answers seconds late while the server idles.
 * The kernel caps it at net.core.somaxconn (4096 here).
 */
const ACCEPT_BACKLOG = 4_096;

/** Listens on host:port (0 = any free port) and resolves once the socket is open. */
export function listen(app: Hono<any>, { host = "127.0.0.1", port = 0, backlog = ACCEPT_BACKLOG }: { host?: string; port?: number; backlog?: number } = {}): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = createAdaptorServer({ fetch: app.fetch });
    server.listen({ host, port, backlog }, () => {
      const info = server.address() as AddressInfo;
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
    server.on("clientError", refuseUnparsable);
    server.once("error", reject);
  });
}
