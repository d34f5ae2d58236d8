import { fork } from "node:child_process";
import { createServer, connect, type Server, type Socket } from "node:net";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

// A TCP proxy that holds every chunk for a while in each direction, as a network between two hosts
// would: the bench's `--pg-delay-ms`, which puts PostgreSQL "on another host" for the services. This
// kernel has no netem, so the delay is made in user space. Timers fire in whole milliseconds at the
// earliest, so the delay is at least 1 ms each way; chunks keep their order.

/** Sends what `from` receives to `to`, `delayMs` later, in order; ends `to` once `from` ended and all is sent. */
function relayDelayed(from: Socket, to: Socket, delayMs: number): void {
  const queue: Array<{ due: number; chunk: Buffer }> = [];
  let timer: NodeJS.Timeout | undefined;
  let ended = false;
  const flush = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && queue[0]!.due <= now) {
      if (!to.write(queue.shift()!.chunk)) from.pause();
    }
    if (queue.length > 0) timer = setTimeout(flush, queue[0]!.due - now);
    else if (ended) to.end();
  };
  to.on("drain", () => from.resume());
  from.on("data", (chunk: Buffer) => {
    queue.push({ due: performance.now() + delayMs, chunk });
    timer ??= setTimeout(flush, delayMs);
  });
  from.on("end", () => {
    ended = true;
    if (timer === undefined) to.end();
  });
}

/** A proxy to `target` on 127.0.0.1 and a free port (`server.address()`), in this process. */
export function createDelayProxy({ target, delayMs }: { target: { host: string; port: number }; delayMs: number }): Server {
  // half-open: an end is passed on after the data before it, so neither side may close at the first end
  return createServer({ noDelay: true, allowHalfOpen: true }, (client) => {
    const upstream = connect({ host: target.host, port: target.port, noDelay: true, allowHalfOpen: true });
    // an end travels like data (relayDelayed); a reset ends both at once
    const reset = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", reset);
    upstream.on("error", reset);
    relayDelayed(client, upstream, delayMs);
    relayDelayed(upstream, client, delayMs);
  });
}

export interface DelayProxy {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/**
 * The proxy as a process of its own, so that its CPU is counted apart from the bench's (and its timers
 * do not wait behind the load generator's work).
 */
export async function startDelayProxy({ target, delayMs }: { target: { host: string; port: number }; delayMs: number }): Promise<DelayProxy> {
  const child = fork(fileURLToPath(import.meta.url), [target.host, String(target.port), String(delayMs)], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const [message] = (await Promise.race([once(child, "message"), once(child, "exit").then(([code]) => Promise.reject(new Error(`the delay proxy exited with ${code} before listening`)))])) as [{ port: number }];
  return {
    port: message.port,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [host = "127.0.0.1", port = "5432", delay = "1"] = process.argv.slice(2);
  const server = createDelayProxy({ target: { host, port: Number(port) }, delayMs: Number(delay) });
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    process.send?.({ port: typeof address === "object" && address ? address.port : 0 });
  });
  process.on("SIGTERM", () => process.exit(0));
  process.on("disconnect", () => process.exit(0)); // the bench is gone
}
