/** One HTTP/1.1 answer as read off the wire: its status, its header lines (names in lower case) and its body. */
export interface RawResponse {
  status: number;
  statusText: string;
  headers: Array<[name: string, value: string]>;
  /** null for an answer that has none (HEAD, 204, 304) */
  body: Buffer | null;
  /** the server keeps the connection open for another request */
  keepAlive: boolean;
}

/** The server sent something that is not an HTTP/1.x answer. */
export class ResponseParseError extends Error {
  readonly code = "HPE_INVALID_RESPONSE";
}

const HEAD_END = Buffer.from("\r\n\r\n");
const CRLF = Buffer.from("\r\n");
const MAX_HEAD_BYTES = 64 * 1024;
const NO_BODY = new Set([204, 304]);

type Body =
  | { kind: "none" }
  | { kind: "length"; remaining: number }
  | { kind: "chunked"; state: "size" | "data" | "data-end" | "trailers"; remaining: number }
  | { kind: "until-close" };

/**
 * Reads the answer to one request from what the connection delivers (`push` each chunk as it comes, `end`
 * when the server closes): a status line, headers, then a body of `Content-Length` bytes, chunked, or
 * (with neither) everything until the close. Just enough HTTP/1.1 for a load generator that talks to
 * node:http servers, without the streams, events and objects of node:http's client, which cost the
 * generator most of its CPU. A class, not a closure: one is made per request.
 */
export class ResponseReader {
  #pending: Buffer | undefined;
  #head: Omit<RawResponse, "body"> | undefined;
  #body: Body | undefined;
  readonly #parts: Buffer[] = [];
  #started = false;

  constructor(private readonly method: string) {}

  /** the answer once it is whole; throws ResponseParseError on what is not HTTP */
  push(chunk: Buffer): RawResponse | undefined {
    this.#started = true;
    this.#pending = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    if (!this.#head && !this.#readHead()) return undefined;
    const body = this.#body!;
    if (body.kind === "none") return this.#finish();
    if (body.kind === "length") {
      if (this.#pending) {
        const part = this.#take(Math.min(body.remaining, this.#pending.length));
        this.#parts.push(part);
        body.remaining -= part.length;
      }
      return body.remaining === 0 ? this.#finish() : undefined;
    }
    if (body.kind === "chunked") return this.#readChunks(body) ? this.#finish() : undefined;
    if (this.#pending) this.#parts.push(this.#take(this.#pending.length));
    return undefined;
  }

  /** the server closed the connection: the answer, if it ran until the close */
  end(): RawResponse | undefined {
    return this.#body?.kind === "until-close" ? this.#finish() : undefined;
  }

  /** any byte came, a 100 Continue included (a request lost on a reused connection before one may be sent again) */
  started(): boolean {
    return this.#started;
  }

  /** bytes after the end of the answer (on a connection with no other request outstanding: a broken server) */
  leftover(): number {
    return this.#pending?.length ?? 0;
  }

  #take(bytes: number): Buffer {
    const pending = this.#pending!;
    this.#pending = bytes < pending.length ? pending.subarray(bytes) : undefined;
    return pending.subarray(0, bytes);
  }

  #readHead(): boolean {
    const end = this.#pending!.indexOf(HEAD_END);
    if (end < 0) {
      if (this.#pending!.length > MAX_HEAD_BYTES) throw new ResponseParseError(`no end of the response head in ${this.#pending!.length} bytes`);
      return false;
    }
    const lines = this.#take(end + 4).toString("latin1", 0, end).split("\r\n");
    const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(lines[0]!);
    if (!statusLine) throw new ResponseParseError(`not an HTTP/1.x status line: ${JSON.stringify(lines[0]!.slice(0, 80))}`);
    const status = Number(statusLine[2]);
    const headers: Array<[string, string]> = [];
    let length: number | undefined;
    let chunked = false;
    let connection = "";
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(":");
      if (colon <= 0) throw new ResponseParseError(`not a header line: ${JSON.stringify(line.slice(0, 80))}`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers.push([name, value]);
      if (name === "content-length") {
        if (!/^\d+$/.test(value) || (length !== undefined && length !== Number(value))) throw new ResponseParseError(`a bad Content-Length: ${value}`);
        length = Number(value);
      } else if (name === "transfer-encoding") chunked = value.toLowerCase().split(",").at(-1)!.trim() === "chunked";
      else if (name === "connection") connection = value.toLowerCase();
    }
    if (status < 200) return this.#pending !== undefined && this.#readHead(); // 100 Continue and the like: the answer follows
    const keepAlive = statusLine[1] === "1" ? !connection.includes("close") : connection.includes("keep-alive");
    this.#head = { status, statusText: statusLine[3] ?? "", headers, keepAlive };
    if (this.method === "HEAD" || NO_BODY.has(status)) this.#body = { kind: "none" };
    else if (chunked) this.#body = { kind: "chunked", state: "size", remaining: 0 };
    else if (length !== undefined) this.#body = { kind: "length", remaining: length };
    else {
      this.#body = { kind: "until-close" };
      this.#head.keepAlive = false;
    }
    return true;
  }

  /** true once the chunked body's last chunk and trailers are in */
  #readChunks(chunks: Extract<Body, { kind: "chunked" }>): boolean {
    while (this.#pending) {
      if (chunks.state === "size" || chunks.state === "trailers") {
        const end = this.#pending.indexOf(CRLF);
        if (end < 0) return false;
        const line = this.#take(end + 2).toString("latin1", 0, end);
        if (chunks.state === "trailers") {
          if (line === "") return true;
          continue;
        }
        const size = /^([0-9a-fA-F]+)(;.*)?$/.exec(line);
        if (!size) throw new ResponseParseError(`not a chunk size: ${JSON.stringify(line.slice(0, 80))}`);
        chunks.remaining = Number.parseInt(size[1]!, 16);
        chunks.state = chunks.remaining === 0 ? "trailers" : "data";
      } else if (chunks.state === "data") {
        const part = this.#take(Math.min(chunks.remaining, this.#pending.length));
        this.#parts.push(part);
        chunks.remaining -= part.length;
        if (chunks.remaining === 0) chunks.state = "data-end";
      } else {
        if (this.#pending.length < 2) return false;
        if (this.#take(2).toString("latin1") !== "\r\n") throw new ResponseParseError("a chunk not followed by CRLF");
        chunks.state = "size";
      }
    }
    return false;
  }

  #finish(): RawResponse {
    const parts = this.#parts;
    return { ...this.#head!, body: this.#body!.kind === "none" ? null : parts.length === 1 ? parts[0]! : Buffer.concat(parts) };
  }
}
