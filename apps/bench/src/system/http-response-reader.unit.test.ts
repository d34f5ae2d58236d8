import { describe, expect, it } from "vitest";
import { ResponseParseError, ResponseReader, type RawResponse } from "./http-response-reader.ts";

// The generator's reading of an HTTP/1.1 answer, fed as a server's packets may split it.

/** feeds `wire` in pieces cut at `cuts`, and returns the answer once whole (undefined while it is not) */
function read(wire: string, { method = "GET", cuts = [] as number[], close = false } = {}): { response: RawResponse | undefined; leftover: number } {
  const reader = new ResponseReader(method);
  const bytes = Buffer.from(wire, "latin1");
  let response: RawResponse | undefined;
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    if (to <= from) continue;
    const answer = reader.push(bytes.subarray(from, to));
    if (answer) {
      expect(response).toBeUndefined(); // answered once
      response = answer;
    }
    from = to;
  }
  if (close && !response) response = reader.end();
  return { response, leftover: reader.leftover() };
}

const everyCut = (wire: string) => Array.from({ length: wire.length - 1 }, (_, i) => i + 1);
const text = (response: RawResponse | undefined) => response?.body?.toString("utf8");

const ACCEPTED = 'HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\nLocation: /api/orders/1\r\nContent-Length: 15\r\nset-cookie: a=1\r\nset-cookie: b=2\r\n\r\n{"orderId":"1"}';
const CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nx-trailer: t\r\n\r\n";

describe("reading an answer", () => {
  it("gives status, headers (names in lower case, repeats kept) and a Content-Length body", () => {
    const { response, leftover } = read(ACCEPTED);
    expect(response).toMatchObject({ status: 202, statusText: "Accepted", keepAlive: true });
    expect(response!.headers).toEqual([
      ["content-type", "application/json"],
      ["location", "/api/orders/1"],
      ["content-length", "15"],
      ["set-cookie", "a=1"],
      ["set-cookie", "b=2"],
    ]);
    expect(text(response)).toBe('{"orderId":"1"}');
    expect(leftover).toBe(0);
  });

  it("gives the same answer however the packets cut it (at every byte)", () => {
    for (const cut of everyCut(ACCEPTED)) {
      const { response } = read(ACCEPTED, { cuts: [cut] });
      expect([response?.status, text(response)], `cut at ${cut}`).toEqual([202, '{"orderId":"1"}']);
    }
  });

  it("waits for the whole body", () => {
    expect(read(ACCEPTED.slice(0, -1)).response).toBeUndefined();
  });

  it("joins a chunked body, extensions and trailers read past, however the packets cut it", () => {
    for (const cut of everyCut(CHUNKED)) {
      const { response, leftover } = read(CHUNKED, { cuts: [cut] });
      expect([text(response), leftover], `cut at ${cut}`).toEqual(["hello world", 0]);
    }
  });

  it("reads a body without a length until the server closes, and keeps no such connection", () => {
    const wire = "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nall of it";
    expect(read(wire).response).toBeUndefined();
    const { response } = read(wire, { close: true, cuts: [20, 50] });
    expect([text(response), response?.keepAlive]).toEqual(["all of it", false]);
  });

  it("gives no body for HEAD, 204 and 304, though HEAD's headers name a length", () => {
    expect(read("HTTP/1.1 200 OK\r\ncontent-length: 120\r\n\r\n", { method: "HEAD" }).response).toMatchObject({ status: 200, body: null });
    expect(read("HTTP/1.1 204 No Content\r\n\r\n", { method: "DELETE" }).response).toMatchObject({ status: 204, body: null });
    expect(read("HTTP/1.1 304 Not Modified\r\netag: x\r\n\r\n").response).toMatchObject({ status: 304, body: null });
  });

  it("gives an empty body for Content-Length: 0", () => {
    expect(text(read("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").response)).toBe("");
  });

  it("skips a 100 Continue before the answer", () => {
    const { response } = read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n{}", { cuts: [10, 30] });
    expect([response?.status, text(response)]).toEqual([201, "{}"]);
  });

  it("keeps the connection only when the server does: Connection: close, and HTTP/1.0 without keep-alive", () => {
    expect(read("HTTP/1.1 200 OK\r\nConnection: close\r\ncontent-length: 0\r\n\r\n").response?.keepAlive).toBe(false);
    expect(read("HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n").response?.keepAlive).toBe(false);
    expect(read("HTTP/1.0 200 OK\r\nconnection: keep-alive\r\ncontent-length: 0\r\n\r\n").response?.keepAlive).toBe(true);
  });

  it("counts bytes past the answer, which no request asked for", () => {
    expect(read(`${ACCEPTED}HTTP/1.1 200`).leftover).toBe("HTTP/1.1 200".length);
  });

  it("says whether any of the answer came (a connection lost before it may be tried again)", () => {
    const reader = new ResponseReader("POST");
    expect(reader.started()).toBe(false);
    reader.push(Buffer.from("HTTP/1.1 2"));
    expect(reader.started()).toBe(true);
    expect(reader.end()).toBeUndefined(); // a Content-Length answer cut short is no answer
    const continued = new ResponseReader("POST");
    continued.push(Buffer.from("HTTP/1.1 100 Continue\r\n\r\n"));
    expect(continued.started()).toBe(true); // the server has the request
  });

  it.each([
    ["a status line that is not HTTP", "SSH-2.0-OpenSSH\r\n\r\n", "not an HTTP/1.x status line"],
    ["a header line without a colon", "HTTP/1.1 200 OK\r\nbroken\r\n\r\n", "not a header line"],
    ["a Content-Length that is not a number", "HTTP/1.1 200 OK\r\ncontent-length: 1x\r\n\r\n", "a bad Content-Length"],
    ["two Content-Lengths that differ", "HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n", "a bad Content-Length"],
    ["a chunk size that is not hex", "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n", "not a chunk size"],
    ["a chunk longer than its size", "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nabc\r\n", "a chunk not followed by CRLF"],
  ])("refuses %s", (_, wire, message) => {
    expect(() => read(wire)).toThrow(ResponseParseError);
    expect(() => read(wire)).toThrow(message);
  });

  it("refuses a head that does not end within 64 KB", () => {
    const reader = new ResponseReader("GET");
    expect(() => reader.push(Buffer.from(`HTTP/1.1 200 OK\r\nx: ${"a".repeat(70_000)}`))).toThrow("no end of the response head");
  });
});
