import net from "node:net";
import type { ShopResponse } from "@checkout/testing";
import { ResponseReader, type RawResponse } from "./http-response-reader.ts";

export interface HttpFetch {
  (url: string | URL, init?: RequestInit): Promise<ShopResponse>;
  /** closes every connection: a request still under way fails, and is not sent again */
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
  /** the Host header, and the pool's name */
  origin: string;
  host: string;
  port: number;
  path: string;
}

// the URLs the bench makes (a name or IPv4 address, a port, a path of visible ASCII, no fragment) are split by hand;
// anything else goes through URL, which checks and encodes it
const PLAIN_URL = /^http:\/\/([A-Za-z0-9.-]+)(?::(\d{1,5}))?([/?][\x21\x22\x24-\x7e]*)?$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const UNSAFE = /[\r\n\0]/;

function targetOf(url: string | URL): Target {
  const plain = typeof url === "string" ? PLAIN_URL.exec(url) : null;
  let host: string, port: number, path: string;
  if (plain) {
    host = plain[1]!;
    port = Number(plain[2] ?? 80);
    path = plain[3] === undefined ? "/" : plain[3].startsWith("?") ? `/${plain[3]}` : plain[3];
  } else {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:") throw new TypeError(`httpFetch speaks plain http, not ${parsed.protocol}`);
    host = parsed.hostname;
    port = Number(parsed.port || 80);
    path = `${parsed.pathname}${parsed.search}`;
  }
  if (port < 1 || port > 65_535) throw new TypeError(`not a port: ${port}`);
  // an IPv6 address is bracketed in the Host header (URL keeps the brackets in hostname), not for connect()
  return { origin: `${host}:${port}`, host: host.replace(/^\[(.*)\]$/, "$1"), port, path };
}

function requestHead(method: string, target: Target, headers: Record<string, string> | undefined, body: string | undefined): string {
  let head = `${method} ${target.path} HTTP/1.1\r\n`;
  let host = false;
  for (const name in headers) {
    const value = headers[name]!;
    if (!TOKEN.test(name) || UNSAFE.test(value)) throw new TypeError(`header ${JSON.stringify(name)}: not a header name, or a value with a line break`);
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
  reader: ResponseReader;
  /** when it was first sent (a request sent again keeps it: timeoutMs counts from the first) */
  startedAt: number;
  answered(response: RawResponse): void;
  failed(error: NodeJS.ErrnoException, retry: boolean): void;
}

const hangUp = () => Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });

/** How a connection ended: `clean` when the server closed it in order (its answer may run until then). */
interface Ending {
  error: NodeJS.ErrnoException;
  /** a request it lost before any byte of its answer may be sent again (never one that timed out) */
  retryable: boolean;
  clean?: boolean;
}

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
    this.socket.on("end", () => this.close({ error: hangUp(), retryable: true, clean: true }));
    this.socket.on("error", (error) => this.close({ error, retryable: true }));
    this.socket.on("close", () => this.close({ error: hangUp(), retryable: true }));
  }

  send(exchange: Exchange, text: string) {
    this.exchange = exchange;
    this.socket.ref();
    this.socket.write(text);
  }

  private read(chunk: Buffer) {
    const exchange = this.exchange;
    if (!exchange) return this.close({ error: hangUp(), retryable: false }); // nothing asked: a server that talks out of turn is not trusted again
    let response: RawResponse | undefined;
    try {
      response = exchange.reader.push(chunk);
    } catch (error) {
      return this.close({ error: error as Error, retryable: false });
    }
    if (!response) return;
    this.exchange = undefined;
    this.served++;
    exchange.answered(response);
    if (response.keepAlive && exchange.reader.leftover() === 0) this.onIdle(this);
    else this.close({ error: hangUp(), retryable: false });
  }

  /**
   * gone for good: a request under way fails, is sent again (see Ending), or, when the server closed the
   * connection in order and its answer had no length, is answered with what came
   */
  close({ error, retryable, clean = false }: Ending) {
    const exchange = this.exchange;
    this.exchange = undefined;
    if (!this.socket.destroyed) this.socket.destroy();
    this.onGone(this);
    if (!exchange) return;
    const whole = clean ? exchange.reader.end() : undefined;
    if (whole) exchange.answered(whole);
    else exchange.failed(error, retryable && this.served > 0 && !exchange.reader.started());
  }
}

/**
 * A `fetch` for the load generator: HTTP/1.1 on `node:net` sockets kept alive between requests, one
 * request at a time on each, the answer buffered in a BufferedResponse (the part of a `Response` the
 * shop's client and the bench use). The generator shares its two cores with the system it measures, so
 * what it spends is taken from the services. In a closed loop of 1,000 clients against a node:http server
 * in another process on this machine (docs/benchmarks/2026-12p/scripts/client-cost.ts), node:http's client
 * over a keep-alive agent took 87–104 µs of CPU per request and this one 48–52 µs: one string written per
 * request, the answer read by http-response-reader.ts, no streams or events per request. (The global fetch,
 * undici, took about 2.4 times node:http's CPU in the fourth December session.)
 *
 * Only what the shop's client sends: a string body (or none), headers as a plain object, no signal, plain
 * http. A network failure rejects as fetch does, `TypeError("fetch failed")` with the socket's error as
 * `cause`; so does a request with no answer for `timeoutMs` (undici's 300 s), with `ETIMEDOUT`.
 */
export function createHttpFetch({ idleMs = 4_000, timeoutMs = 300_000 }: { idleMs?: number; timeoutMs?: number } = {}): HttpFetch {
  // A connection idle for `idleMs` is not used again, and is closed, before the services' HTTP servers
  // close it (Node's keepAliveTimeout, 5 s): else a request sent on it as the server closes it fails
  // with ECONNRESET. Should the margin not hold (the generator's own event loop late by a second), a
  // request that a reused connection lost before any byte of its answer is sent once more, on a new
  // connection (the server closed the first without answering it; the checkout's Idempotency-Key makes
  // a second press safe in any case).
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
        connection.close({ error: Object.assign(new Error(`no answer in ${timeoutMs} ms`), { code: "ETIMEDOUT" }), retryable: false });
      } else if (!connection.exchange && now - connection.idleSince >= idleMs) connection.close({ error: hangUp(), retryable: false });
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
    const pool = fresh ? undefined : idle.get(target.origin);
    // the most recently used first; one idle for idleMs is closed now rather than at the next sweep
    for (let reused = pool?.pop(); reused; reused = pool!.pop()) {
      if (performance.now() - reused.idleSince < idleMs) return reused;
      reused.close({ error: hangUp(), retryable: false });
    }
    const connection = new Connection(target, onIdle, onGone);
    open.add(connection);
    sweeper ??= setInterval(sweep, sweepEveryMs).unref();
    return connection;
  };

  function send(target: Target, method: string, text: string, startedAt: number, fresh: boolean): Promise<ShopResponse> {
    return new Promise<ShopResponse>((resolve, reject) => {
      connectionTo(target, fresh).send(
        {
          reader: new ResponseReader(method),
          startedAt,
          answered: (response) => resolve(new BufferedResponse(response)),
          failed: (error, retry) => (retry && !fresh ? resolve(send(target, method, text, startedAt, true)) : reject(failed(error))),
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
    if (!TOKEN.test(method)) throw new TypeError(`not a method: ${JSON.stringify(method)}`);
    const target = targetOf(url);
    const text = requestHead(method, target, headers as Record<string, string> | undefined, body ?? undefined) + (body ?? "");
    return send(target, method, text, performance.now(), false);
  };
  return Object.assign(httpFetch, {
    /** closes every connection: a request still under way fails, and is not sent again */
    close: () => {
      for (const connection of [...open]) connection.close({ error: hangUp(), retryable: false });
    },
  });
}
