import net from "node:net";
import type { ShopResponse } from "@checkout/testing";
import { createResponseReader, type RawResponse } from "./http-response-reader.ts";

export interface HttpFetch {
  (url: string | URL, init?: RequestInit): Promise<ShopResponse>;
  /** closes the kept-alive connections */
  close(): void;
}

/**
 * An answer as the generator reads it: the part of a `Response` that a buffered body allows (status,
 * ok, headers, text, json, arrayBuffer, body), each built only when asked for. A whole `Response` per
 * answer (its Headers, its body stream, undici's body mixin) cost about 0.1 ms of CPU each, and most
 * answers are read for their status and JSON only. Unlike a Response, a body can be read more than once.
 */
class BufferedResponse implements ShopResponse {
  #headers: Headers | undefined;

  readonly status: number;
  readonly statusText: string;
  private readonly raw: RawResponse["headers"];
  private readonly buffer: Buffer | null;

  constructor({ status, statusText, headers, body }: RawResponse) {
    this.status = status;
    this.statusText = statusText;
    this.raw = headers;
    this.buffer = body;
  }

  get ok() {
    return this.status >= 200 && this.status < 300;
  }

  get headers(): Headers {
    if (!this.#headers) {
      this.#headers = new Headers();
      for (const [name, value] of this.raw) this.#headers.append(name, value);
    }
    return this.#headers;
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.buffer ? new Response(this.buffer).body : null;
  }

  async text(): Promise<string> {
    return this.buffer?.toString("utf8") ?? "";
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const copy = new Uint8Array(this.buffer?.length ?? 0);
    if (this.buffer) copy.set(this.buffer);
    return copy.buffer;
  }
}


/** Where a request goes: one pool of kept-alive connections per host and port. */
interface Target {
  origin: string;
  host: string;
  port: number;
  path: string;
}

const PLAIN_URL = /^http:\/\/([^/:?#@]+)(?::(\d+))?([/?][^#]*)?$/;

function targetOf(url: string | URL): Target {
  const plain = typeof url === "string" ? PLAIN_URL.exec(url) : null;
  if (plain) {
    const [, host, port = "80", path = "/"] = plain;
    return { origin: `${host}:${port}`, host: host!, port: Number(port), path: path.startsWith("?") ? `/${path}` : path };
  }
  const parsed = new URL(url);
  if (parsed.protocol !== "http:") throw new TypeError(`httpFetch speaks plain http, not ${parsed.protocol}`);
  const port = Number(parsed.port || 80);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  return { origin: `${host}:${port}`, host, port, path: `${parsed.pathname}${parsed.search}` };
}

const UNSAFE = /[\r\n\0]/;

function requestHead(method: string, target: Target, headers: Record<string, string> | undefined, body: string | undefined): string {
  let head = `${method} ${target.path} HTTP/1.1\r\n`;
  let host = false;
  for (const name in headers) {
    const value = headers[name]!;
    if (UNSAFE.test(name) || UNSAFE.test(value)) throw new TypeError(`header ${JSON.stringify(name)} holds a line break`);
    const lower = name.toLowerCase();
    if (lower === "content-length" || lower === "transfer-encoding" || lower === "connection") continue; // ours to set
    if (lower === "host") host = true;
    head += `${name}: ${value}\r\n`;
  }
  if (!host) head += `host: ${target.origin}\r\n`;
  if (body !== undefined || (method !== "GET" && method !== "HEAD")) head += `content-length: ${body === undefined ? 0 : Buffer.byteLength(body)}\r\n`;
  return `${head}\r\n`;
}

/** A request on its way: settled once, by its answer or by the connection's failure. */
interface Exchange {
  method: string;
  reader: ReturnType<typeof createResponseReader>;
  startedAt: number;
  answered(response: RawResponse): void;
  failed(error: NodeJS.ErrnoException, retry: boolean): void;
}

const hangUp = () => Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });

/** One kept-alive connection: one request at a time, idle in its pool between them. */
class Connection {
  readonly socket: net.Socket;
  /** requests answered on it: a reused connection's failure before any answer is tried again */
  served = 0;
  idleSince = 0;
  exchange: Exchange | undefined;

  constructor(
    readonly target: Target,
    private readonly onIdle: (connection: Connection) => void,
    private readonly onGone: (connection: Connection) => void,
  ) {
    this.socket = net.connect({ host: target.host, port: target.port, noDelay: true });
    this.socket.on("data", (chunk: Buffer) => this.read(chunk));
    this.socket.on("end", () => this.close(hangUp()));
    this.socket.on("error", (error) => this.close(error));
    this.socket.on("close", () => this.close(hangUp()));
  }

  send(exchange: Exchange, text: string) {
    this.exchange = exchange;
    this.socket.ref();
    this.socket.write(text);
  }

  private read(chunk: Buffer) {
    const exchange = this.exchange;
    if (!exchange) return this.close(hangUp()); // nothing asked: a server that talks out of turn is not trusted again
    let response: RawResponse | undefined;
    try {
      response = exchange.reader.push(chunk);
    } catch (error) {
      return this.close(error as Error);
    }
    if (!response) return;
    this.exchange = undefined;
    this.served++;
    exchange.answered(response);
    if (response.keepAlive && exchange.reader.leftover() === 0) this.onIdle(this);
    else this.close(hangUp());
  }

  /**
   * gone for good: an exchange under way fails (or resolves, for a body that runs until the close); on a
   * reused connection, before any byte of its answer, it is sent again unless `retryable` is false
   */
  close(error: NodeJS.ErrnoException, retryable = true) {
    const exchange = this.exchange;
    this.exchange = undefined;
    if (!this.socket.destroyed) this.socket.destroy();
    this.onGone(this);
    if (!exchange) return;
    const whole = exchange.reader.end();
    if (whole) exchange.answered(whole);
    else exchange.failed(error, retryable && this.served > 0 && !exchange.reader.started());
  }
}

/**
 * A `fetch` for the load generator: HTTP/1.1 on `node:net` sockets kept alive between requests, one
 * request at a time on each, the answer buffered in a BufferedResponse (the part of a `Response` the
 * shop's client and the bench use). The generator shares its two cores with the system it measures, so
 * what it spends is taken from the services: the global fetch (undici) took 0.53 ms of CPU per request in
 * a closed loop of 1,000 clients on this machine, node:http's client 0.13–0.22 ms, this one about a
 * quarter of node:http's (one string written per request, the answer read by http-response-reader.ts).
 *
 * Only what the shop's client sends: a string body (or none), headers as a plain object, no signal, plain
 * http. A network failure rejects as fetch does, `TypeError("fetch failed")` with the socket's error as
 * `cause`; so does a request with no answer for `timeoutMs` (undici's 300 s), with `ETIMEDOUT`.
 */
export function createHttpFetch({ idleMs = 4_000, timeoutMs = 300_000 }: { idleMs?: number; timeoutMs?: number } = {}): HttpFetch {
  // A connection idle for `idleMs` is closed by this side, before the services' HTTP servers close it
  // (Node's keepAliveTimeout, 5 s): else a request sent on it as the server closes it fails with
  // ECONNRESET. Should the margin not hold (the generator's own event loop late by a second), a request
  // that a reused connection lost before any answer is sent once more, on a new connection: the server
  // closed the first without answering it.
  const idle = new Map<string, Connection[]>();
  const open = new Set<Connection>();
  const failed = (cause: unknown) => new TypeError("fetch failed", { cause });

  // one timer for every connection: idle ones past idleMs are closed, requests past timeoutMs fail
  const sweepEveryMs = Math.max(10, Math.min(1_000, idleMs / 4, timeoutMs / 4));
  let sweeper: NodeJS.Timeout | undefined;
  const sweep = () => {
    const now = performance.now();
    for (const connection of open) {
      if (connection.exchange && now - connection.exchange.startedAt >= timeoutMs) {
        connection.close(Object.assign(new Error(`no answer in ${timeoutMs} ms`), { code: "ETIMEDOUT" }), false);
      } else if (!connection.exchange && now - connection.idleSince >= idleMs) connection.close(hangUp());
    }
  };

  const onIdle = (connection: Connection) => {
    connection.idleSince = performance.now();
    connection.socket.unref(); // an idle connection does not keep the process alive, as with node:http's agent
    const pool = idle.get(connection.target.origin);
    if (pool) pool.push(connection);
    else idle.set(connection.target.origin, [connection]);
  };
  const onGone = (connection: Connection) => {
    if (!open.delete(connection)) return;
    const pool = idle.get(connection.target.origin);
    const at = pool?.indexOf(connection) ?? -1;
    if (at >= 0) pool!.splice(at, 1);
    if (open.size === 0 && sweeper) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };
  const connectionTo = (target: Target, fresh: boolean): Connection => {
    const reused = fresh ? undefined : idle.get(target.origin)?.pop();
    if (reused) return reused;
    const connection = new Connection(target, onIdle, onGone);
    open.add(connection);
    sweeper ??= setInterval(sweep, sweepEveryMs).unref();
    return connection;
  };

  function send(target: Target, method: string, text: string, fresh: boolean): Promise<ShopResponse> {
    return new Promise<ShopResponse>((resolve, reject) => {
      connectionTo(target, fresh).send(
        {
          method,
          reader: createResponseReader({ method }),
          startedAt: performance.now(),
          answered: (response) => resolve(new BufferedResponse(response)),
          failed: (error, retry) => (retry && !fresh ? resolve(send(target, method, text, true)) : reject(failed(error))),
        },
        text,
      );
    });
  }

  const httpFetch = async (url: string | URL, init: RequestInit = {}) => {
    const { body, headers } = init;
    if (init.signal || (body !== undefined && body !== null && typeof body !== "string") || headers instanceof Headers || Array.isArray(headers)) {
      throw new TypeError("httpFetch takes a string body and a plain headers object, and no signal");
    }
    const method = (init.method ?? "GET").toUpperCase();
    const target = targetOf(url);
    const text = requestHead(method, target, headers as Record<string, string> | undefined, body ?? undefined) + (body ?? "");
    return send(target, method, text, false);
  };
  return Object.assign(httpFetch, {
    close: () => {
      for (const connection of [...open]) connection.close(hangUp());
    },
  });
}
