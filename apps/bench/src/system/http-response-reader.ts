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
  | { kind: "length"; remaining: number }
  | { kind: "chunked"; state: "size" | "data" | "data-end" | "trailers"; remaining: number }
  | { kind: "until-close" };

/**
 * Reads the answer to one request from what the connection delivers (`push` each chunk as it comes, `end`
 * when the server closes): a status line, headers, then a body of `Content-Length` bytes, chunked, or
 * (with neither) everything until the close. Just enough HTTP/1.1 for a load generator that talks to
 * node:http servers, without the streams, events and objects of node:http's client, which cost the
 * generator most of its CPU.
 */
export function createResponseReader({ method }: { method: string }) {
  let pending: Buffer | undefined;
  let head: Omit<RawResponse, "body"> | undefined;
  let body: Body | undefined;
  const parts: Buffer[] = [];

  const take = (bytes: number): Buffer => {
    const taken = pending!.subarray(0, bytes);
    pending = bytes < pending!.length ? pending!.subarray(bytes) : undefined;
    return taken;
  };

  function readHead(): boolean {
    const end = pending!.indexOf(HEAD_END);
    if (end < 0) {
      if (pending!.length > MAX_HEAD_BYTES) throw new ResponseParseError(`no end of the response head in ${pending!.length} bytes`);
      return false;
    }
    const lines = take(end + 4).toString("latin1", 0, end).split("\r\n");
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
    if (status < 200) return readHeadAfterInformational(); // 100 Continue and the like: the answer follows
    head = { status, statusText: statusLine[3] ?? "", headers, keepAlive: statusLine[1] === "1" ? !connection.includes("close") : connection.includes("keep-alive") };
    if (method === "HEAD" || NO_BODY.has(status)) body = { kind: "length", remaining: 0 };
    else if (chunked) body = { kind: "chunked", state: "size", remaining: 0 };
    else if (length !== undefined) body = { kind: "length", remaining: length };
    else {
      body = { kind: "until-close" };
      head.keepAlive = false;
    }
    return true;
  }

  function readHeadAfterInformational(): boolean {
    return pending !== undefined && readHead();
  }

  /** true once the chunked body's last chunk and trailers are in */
  function readChunks(chunks: Extract<Body, { kind: "chunked" }>): boolean {
    while (pending) {
      if (chunks.state === "size" || chunks.state === "trailers") {
        const end = pending.indexOf(CRLF);
        if (end < 0) return false;
        const line = take(end + 2).toString("latin1", 0, end);
        if (chunks.state === "trailers") {
          if (line === "") return true;
          continue;
        }
        const size = /^([0-9a-fA-F]+)(;.*)?$/.exec(line);
        if (!size) throw new ResponseParseError(`not a chunk size: ${JSON.stringify(line.slice(0, 80))}`);
        chunks.remaining = Number.parseInt(size[1]!, 16);
        chunks.state = chunks.remaining === 0 ? "trailers" : "data";
      } else if (chunks.state === "data") {
        const part = take(Math.min(chunks.remaining, pending.length));
        parts.push(part);
        chunks.remaining -= part.length;
        if (chunks.remaining === 0) chunks.state = "data-end";
      } else {
        if (pending.length < 2) return false;
        if (take(2).toString("latin1") !== "\r\n") throw new ResponseParseError("a chunk not followed by CRLF");
        chunks.state = "size";
      }
    }
    return false;
  }

  const finish = (): RawResponse => ({ ...head!, body: method === "HEAD" || NO_BODY.has(head!.status) ? null : parts.length === 1 ? parts[0]! : Buffer.concat(parts) });

  return {
    /** the answer once it is whole; throws ResponseParseError on what is not HTTP */
    push(chunk: Buffer): RawResponse | undefined {
      pending = pending ? Buffer.concat([pending, chunk]) : chunk;
      if (!head && !readHead()) return undefined;
      if (body!.kind === "length") {
        if (!pending) return body!.remaining === 0 ? finish() : undefined;
        const part = take(Math.min(body!.remaining, pending.length));
        parts.push(part);
        body!.remaining -= part.length;
        return body!.remaining === 0 ? finish() : undefined;
      }
      if (body!.kind === "chunked") return readChunks(body!) ? finish() : undefined;
      if (pending) parts.push(take(pending.length));
      return undefined;
    },
    /** the server closed the connection: the answer, if it was whole or ran until the close */
    end(): RawResponse | undefined {
      return body?.kind === "until-close" ? finish() : undefined;
    },
    /** bytes of the answer seen so far (a connection closed before any can be tried again) */
    started: () => head !== undefined || pending !== undefined,
    /** bytes after the end of the answer (on a connection with no other request outstanding: a broken server) */
    leftover: () => pending?.length ?? 0,
  };
}
