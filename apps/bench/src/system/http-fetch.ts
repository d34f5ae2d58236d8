import http from "node:http";
import type { ShopResponse } from "@checkout/testing";

export interface HttpFetch {
  (url: string | URL, init?: RequestInit): Promise<ShopResponse>;
  /** closes the kept-alive connections */
  close(): void;
}

/** Statuses whose response has no body (a Response refuses one). */
const NO_BODY = new Set([101, 204, 205, 304]);

/**
 * An answer as the generator reads it: the part of a `Response` that a buffered body allows (status,
 * ok, headers, text, json, arrayBuffer, body), each built only when asked for. A whole `Response` per
 * answer (its Headers, its body stream, undici's body mixin) cost about 0.1 ms of CPU each, and most
 * answers are read for their status and JSON only. Unlike a Response, a body can be read more than once.
 */
class BufferedResponse implements ShopResponse {
  #headers: Headers | undefined;

  constructor(
    readonly status: number,
    readonly statusText: string,
    private readonly raw: http.IncomingHttpHeaders,
    private readonly buffer: Buffer | null,
  ) {}

  get ok() {
    return this.status >= 200 && this.status < 300;
  }

  get headers(): Headers {
    if (!this.#headers) {
      this.#headers = new Headers();
      for (const [name, value] of Object.entries(this.raw)) {
        for (const one of Array.isArray(value) ? value : [value ?? ""]) this.#headers.append(name, one);
      }
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

/**
 * A `fetch` for the load generator: node:http over one keep-alive agent, the answer buffered in a
 * BufferedResponse (the part of a `Response` the shop's client and the bench use). The global fetch
 * (undici) took 0.53 ms of CPU per request in a closed loop of 1,000 clients on this machine, this one
 * 0.22 ms while it built a `Response` per answer (0.12 ms without); the generator shares its two cores
 * with the system it measures, so what it spends is taken from the services.
 *
 * Only what the shop's client sends: a string body (or none), headers as a plain object, no signal. A
 * network failure rejects as fetch does, `TypeError("fetch failed")` with the socket's error as `cause`;
 * so does a request with no answer for `timeoutMs` (undici's 300 s), with `ETIMEDOUT`.
 */
export function createHttpFetch({ idleMs = 4_000, timeoutMs = 300_000 }: { idleMs?: number; timeoutMs?: number } = {}): HttpFetch {
  // A connection idle for `idleMs` is closed by this side, before the services' HTTP servers close it
  // (Node's keepAliveTimeout, 5 s): else a request sent on it as the server closes it fails with
  // ECONNRESET. Node 20's agent never times an idle connection out unless told (undici, the global
  // fetch, does it by itself), and in a flash sale a buyer waiting out a Retry-After leaves one idle.
  // Should the margin not hold (the generator's own event loop late by a second), a request that a
  // reused connection reset is sent once more, on a connection of its own (the pool may hold other
  // stale ones): the server closed the first without reading the request.
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, timeout: idleMs });
  const failed = (cause: unknown) => new TypeError("fetch failed", { cause });

  function send(url: string | URL, init: RequestInit, method: string, again: boolean): Promise<ShopResponse> {
    return new Promise<ShopResponse>((resolve, reject) => {
      const request = http.request(url, { method, headers: init.headers as Record<string, string> | undefined, agent: again ? false : agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", (error) => reject(failed(error)));
        response.on("end", () => {
          const status = response.statusCode ?? 0;
          const body = NO_BODY.has(status) || method === "HEAD" ? null : Buffer.concat(chunks);
          resolve(new BufferedResponse(status, response.statusMessage ?? "", response.headers, body));
        });
      });
      request.setTimeout(timeoutMs, () => request.destroy(Object.assign(new Error(`no answer in ${timeoutMs} ms`), { code: "ETIMEDOUT" })));
      request.on("error", (error: NodeJS.ErrnoException) => {
        if (!again && request.reusedSocket && error.code === "ECONNRESET") resolve(send(url, init, method, true));
        else reject(failed(error));
      });
      request.end(init.body ?? undefined);
    });
  }

  const httpFetch = async (url: string | URL, init: RequestInit = {}) => {
    if (init.signal || (init.body !== undefined && init.body !== null && typeof init.body !== "string") || init.headers instanceof Headers || Array.isArray(init.headers)) {
      throw new TypeError("httpFetch takes a string body and a plain headers object, and no signal");
    }
    return send(url, init, init.method ?? "GET", false);
  };
  return Object.assign(httpFetch, { close: () => agent.destroy() });
}
