import type { Context } from "hono";
import { getConnInfo } from "@hono/node-server/conninfo";

/**
 * The address of the client: the peer of the socket, unless `trustProxy` says that a reverse proxy we
 * run stands in front; then the last X-Forwarded-For entry, the address that proxy saw (the entries
 * before it are whatever the client claimed, so they are never trusted). A request without a socket
 * (app.request() in tests) is "unknown".
 */
export function clientIp(c: Context, { trustProxy = false }: { trustProxy?: boolean } = {}): string {
  if (trustProxy) {
    const forwarded = (c.req.header("x-forwarded-for") ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean);
    const last = forwarded.at(-1);
    if (last) return last;
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}
