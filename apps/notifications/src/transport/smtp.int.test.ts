/**
 * The SMTP transport against a real SMTP server: `smtp-server` (from the nodemailer project) in-process
 * on a free port, a real TCP conversation with authentication, nothing mocked. It checks what the
 * shopper's mail server receives (envelope, headers, bodies, the stable Message-ID that lets a resend be
 * dropped) and how each refusal is classified, since that decides whether the worker retries a mail or
 * gives it up: only a 5xx refusal of the recipient is permanent. Then the same through the running
 * service: OrderConfirmed → one mail at the server, its outgoing_mail row `sent`, also after a 451.
 * Over TLS, a self-signed certificate (the `openssl` command) stands for a relay with a private CA:
 * smtps://, STARTTLS required by the URL, the refusals of an unverifiable certificate and of a
 * cleartext server, and SMTP_CA_FILE's checks.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import type { RunningService } from "@checkout/messaging";
import { connectBus, createTestDatabase, freePort, orderConfirmed, startNatsServer, waitFor, type Bus, type NatsServer, type TestDatabase } from "@checkout/testing";
import { NotificationsConfig } from "../config.ts";
import { mailsForOrder } from "../db/outgoing-mail.ts";
import { startNotifications } from "../service.ts";
import { readCaFile } from "./ca.ts";
import { smtpTransport } from "./smtp.ts";
import { PermanentMailError, type Mail } from "./transport.ts";

/** A mail as the receiving client shows it: headers by lower-case name, each text part decoded, by type. */
function readMail(raw: string) {
  const { headers, body } = splitPart(raw.replace(/\r\n$/, "")); // the last CRLF is part of the end of DATA
  const boundary = /boundary="?([^";]+)"?/.exec(headers.get("content-type") ?? "")?.[1];
  const leaves = boundary
    ? `\r\n${body}`.split(`\r\n--${boundary}`).slice(1).filter((part) => !part.startsWith("--")).map((part) => splitPart(part.slice(2)))
    : [{ headers, body }];
  const parts = new Map(leaves.map((leaf) => [leaf.headers.get("content-type")!.split(";")[0]!, decode(leaf.body, leaf.headers.get("content-transfer-encoding"))]));
  return { headers, parts };
}
function splitPart(raw: string) {
  const end = raw.indexOf("\r\n\r\n");
  const lines = raw.slice(0, end).replace(/\r\n[ \t]+/g, " ").split("\r\n");
  const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]));
  return { headers, body: raw.slice(end + 4) };
}
function decode(body: string, encoding = "7bit") {
  const qp = () => body.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  const bytes = encoding === "base64" ? Buffer.from(body, "base64") : Buffer.from(encoding === "quoted-printable" ? qp() : body, "latin1");
  return bytes.toString("utf8").replace(/\r\n/g, "\n");
}

/** Every mail the server accepted, with the user its session authenticated as and its envelope. */
const received: Array<{ queueId: string; user: unknown; tls: boolean; from: string | undefined; to: string[] } & ReturnType<typeof readMail>> = [];
/** Replies the server gives instead of accepting, for one address (the sender at MAIL FROM, else a recipient). */
let refusals: Array<{ at: "MAIL FROM" | "RCPT TO" | "DATA"; address: string; code: number; times: number }> = [];
const refuse = (at: "MAIL FROM" | "RCPT TO" | "DATA", address: string, code: number, times = 1) => refusals.push({ at, address, code, times });
function refusal(at: "MAIL FROM" | "RCPT TO" | "DATA", address: string) {
  const rule = refusals.find((r) => r.at === at && r.address === address && r.times > 0);
  if (!rule) return null;
  rule.times -= 1;
  return Object.assign(new Error(`refused by the test server at ${at}`), { responseCode: rule.code });
}

/** What every test server does: requires AUTH as user/pass, applies the refusals, keeps what it accepts. */
const serving = {
  authOptional: false, // MAIL FROM without AUTH is answered 530
  logger: false,
  onAuth({ username, password }, _session, callback) {
    if (username === "user" && password === "pass") callback(null, { user: username });
    else callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
  },
  onMailFrom: ({ address }, _session, callback) => callback(refusal("MAIL FROM", address)),
  onRcptTo: ({ address }, _session, callback) => callback(refusal("RCPT TO", address)),
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      const to = session.envelope.rcptTo.map((rcpt) => rcpt.address);
      const refused = refusal("DATA", to[0]!);
      if (refused) return callback(refused);
      const queueId = `Q${received.length + 1}`;
      const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined;
      received.push({ queueId, user: session.user, tls: session.secure, from, to, ...readMail(Buffer.concat(chunks).toString("latin1")) });
      callback(null, `queued as ${queueId}`);
    });
  },
} satisfies SMTPServerOptions;

const server = new SMTPServer({
  ...serving,
  disabledCommands: ["STARTTLS"], // plain TCP, so no certificate to set up
  allowInsecureAuth: true,
});
const listenOn = async (smtp: SMTPServer) => {
  await new Promise<void>((resolve, reject) => {
    smtp.server.once("error", reject);
    smtp.listen(0, "127.0.0.1", resolve);
  });
  return (smtp.server.address() as AddressInfo).port;
};
let port: number;
const smtpUrl = () => `smtp://user:pass@127.0.0.1:${port}`;

beforeAll(async () => {
  port = await listenOn(server);
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(resolve));
});
beforeEach(() => {
  refusals = [];
});

const shopper = () => `shopper-${randomUUID()}@example.com`;
const deliveredTo = (address: string) => received.filter((mail) => mail.to.includes(address));
const mailTo = (to: string, overrides: Partial<Mail> = {}): Mail => {
  const orderId = randomUUID();
  const subject = `Your order ${orderId.slice(0, 8).toUpperCase()} is confirmed`;
  const [text, html] = ["2 × MUG-LOGO\nTotal: $36.50", "<p>2 × MUG-LOGO</p><p>Total: $36.50</p>"];
  return { messageId: `<${orderId}.confirmed@checkout>`, orderId, kind: "confirmed", from: "Checkout <orders@checkout.local>", to, subject, text, html, ...overrides };
};
async function send(mail: Mail, { url = smtpUrl(), timeoutMs = 1_000, ca }: { url?: string; timeoutMs?: number; ca?: string } = {}) {
  const transport = await smtpTransport({ url, timeoutMs, ca });
  try {
    return await transport.send(mail);
  } finally {
    await transport.close?.();
  }
}
/** what send() threw; the test fails if the mail was accepted */
const failureOf = (mail: Mail, options?: { url?: string; timeoutMs?: number; ca?: string }) =>
  send(mail, options).then(() => expect.fail("the mail was accepted"), (error: unknown) => error as Error & { code?: string });

describe("smtpTransport against a real SMTP server", () => {
  it("a mail arrives once, in an authenticated session, with its envelope, Subject, bodies and Message-ID; the result carries the server's reply", async () => {
    const mail = mailTo(shopper());
    const { transportMessageId } = await send(mail);

    const [arrived, ...others] = deliveredTo(mail.to);
    expect(others).toEqual([]);
    expect(arrived).toMatchObject({ user: "user", from: "orders@checkout.local", to: [mail.to] });
    expect(arrived!.headers.get("message-id")).toBe(mail.messageId);
    expect(arrived!.headers.get("subject")).toBe(mail.subject);
    expect(arrived!.headers.get("from")).toBe(mail.from);
    expect(Object.fromEntries(arrived!.parts)).toEqual({ "text/plain": mail.text, "text/html": mail.html });
    expect(transportMessageId).toBe(`${mail.messageId} 250 queued as ${arrived!.queueId}`);
  });

  it("a mail without html arrives as plain text only", async () => {
    const mail = mailTo(shopper(), { html: undefined });
    await send(mail);
    expect(deliveredTo(mail.to).map((arrived) => Object.fromEntries(arrived.parts))).toEqual([{ "text/plain": mail.text }]);
  });

  it("a recipient refused with 550 is a PermanentMailError, so the worker marks the mail failed without retrying", async () => {
    const mail = mailTo(shopper());
    refuse("RCPT TO", mail.to, 550);
    const error = await failureOf(mail);
    expect(error).toBeInstanceOf(PermanentMailError);
    expect(error.message).toContain("550");
    expect(deliveredTo(mail.to)).toEqual([]);
  });

  it.each([
    { failure: "a recipient deferred with 451", given: (mail: Mail) => refuse("RCPT TO", mail.to, 451), reason: "451" },
    { failure: "the message deferred with 451 after DATA", given: (mail: Mail) => refuse("DATA", mail.to, 451), reason: "451" },
    // a policy refusal of the message (DMARC, a sender domain not set up) is the configuration's as often as
    // the mail's: retried with backoff (about 2 h) rather than given up on the first answer
    { failure: "the message refused with 554 after DATA", given: (mail: Mail) => refuse("DATA", mail.to, 554), reason: "554" },
    { failure: "the sender refused with 553 (the relay's configuration, not this mail)", given: () => refuse("MAIL FROM", "orders@checkout.local", 553), reason: "553" },
    { failure: "a wrong password (535)", url: async () => smtpUrl().replace(":pass@", ":wrong@"), reason: "535" },
    { failure: "no credentials for a server that requires them (530)", url: async () => `smtp://127.0.0.1:${port}`, reason: "530" },
    { failure: "nothing listening on the port", url: async () => `smtp://user:pass@127.0.0.1:${await freePort()}`, reason: "ECONNREFUSED" },
  ])("$failure is an ordinary Error, which the worker retries", async ({ given, url, reason }) => {
    const mail = mailTo(shopper());
    given?.(mail);
    const error = await failureOf(mail, { url: await (url ?? smtpUrl)() });
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PermanentMailError);
    expect(error.message).toContain(reason);
    expect(deliveredTo(mail.to)).toEqual([]);
  });

  it("a server that takes the connection and never answers fails after timeoutMs, as an ordinary Error", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const started = Date.now();
      const error = await failureOf(mailTo(shopper()), { url: `smtp://user:pass@127.0.0.1:${(silent.address() as AddressInfo).port}`, timeoutMs: 300 });
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(error).not.toBeInstanceOf(PermanentMailError);
      expect(error.code).toBe("ETIMEDOUT");
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe("smtpTransport over TLS, with a certificate of a private CA (SMTP_CA_FILE)", () => {
  let dir: string;
  let certFile: string;
  let ca: string;
  let implicit: SMTPServer;
  let quietStarttls: SMTPServer;
  let implicitPort: number;
  let quietStarttlsPort: number;
  /** what the smtps server reported on its own: a client refusing the certificate aborts the handshake */
  const implicitErrors: Error[] = [];

  beforeAll(async () => {
    // a self-signed certificate for 127.0.0.1: it is its own CA
    dir = mkdtempSync(join(tmpdir(), "smtp-tls-"));
    const keyFile = join(dir, "key.pem");
    certFile = join(dir, "cert.pem");
    const subject = ["-subj", "/CN=smtp.test", "-addext", "subjectAltName=IP:127.0.0.1"];
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", keyFile, "-out", certFile, "-days", "2", ...subject], { stdio: "ignore" });
    ca = readFileSync(certFile, "utf8");
    const key = readFileSync(keyFile);
    implicit = new SMTPServer({ ...serving, secure: true, key, cert: ca }); // smtps: TLS from the first byte
    implicit.on("error", (error: Error) => implicitErrors.push(error));
    // takes STARTTLS but does not offer it: only a client that requires TLS upgrades
    quietStarttls = new SMTPServer({ ...serving, key, cert: ca, hideSTARTTLS: true });
    [implicitPort, quietStarttlsPort] = [await listenOn(implicit), await listenOn(quietStarttls)];
  });
  afterAll(async () => {
    await Promise.all([implicit, quietStarttls].map((smtp) => new Promise<void>((resolve) => smtp?.close(resolve))));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("smtps:// delivers over TLS when the server's CA is given", async () => {
    const mail = mailTo(shopper());
    await send(mail, { url: `smtps://user:pass@127.0.0.1:${implicitPort}`, ca });
    expect(deliveredTo(mail.to)).toMatchObject([{ user: "user", tls: true }]);
  });

  it("smtp:// with ?requireTLS=true upgrades with STARTTLS even where the server does not offer it; without it, the password goes in clear", async () => {
    const mail = mailTo(shopper());
    await send(mail, { url: `smtp://user:pass@127.0.0.1:${quietStarttlsPort}?requireTLS=true`, ca });
    expect(deliveredTo(mail.to)).toMatchObject([{ user: "user", tls: true }]);
    const withoutRequire = mailTo(shopper());
    await send(withoutRequire, { url: `smtp://user:pass@127.0.0.1:${quietStarttlsPort}`, ca });
    expect(deliveredTo(withoutRequire.to)).toMatchObject([{ user: "user", tls: false }]);
  });

  it("refuses a certificate it cannot verify, and a server without STARTTLS when TLS is required: ordinary errors, nothing sent", async () => {
    const unverified = mailTo(shopper());
    const untrusted = await failureOf(unverified, { url: `smtps://user:pass@127.0.0.1:${implicitPort}` });
    expect(untrusted.message).toContain("self-signed certificate");
    for (const error of implicitErrors) expect(error.message).toContain("TLS"); // the aborted handshake, nothing else
    const plain = mailTo(shopper());
    const cleartext = await failureOf(plain, { url: `${smtpUrl()}?requireTLS=true`, ca });
    expect(cleartext.message).toContain("STARTTLS");
    for (const error of [untrusted, cleartext]) expect(error).not.toBeInstanceOf(PermanentMailError);
    expect([...deliveredTo(unverified.to), ...deliveredTo(plain.to)]).toEqual([]);
  });

  it("SMTP_CA_FILE is checked with the configuration: a missing file, one without a certificate, a broken block of a bundle, an expired certificate", () => {
    const notPem = join(dir, "not.pem");
    writeFileSync(notPem, "hello");
    const brokenBundle = join(dir, "bundle.pem");
    writeFileSync(brokenBundle, `${ca}\n-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n`);
    const parse = (file: string) =>
      NotificationsConfig.safeParse({ NATS_URL: "nats://127.0.0.1:1", DATABASE_URL: "postgres://nobody@127.0.0.1:1/none", MAIL_TRANSPORT: "smtp", SMTP_URL: smtpUrl(), SMTP_CA_FILE: file });
    const problems = [join(dir, "missing.pem"), notPem, brokenBundle].map((file) => parse(file).error?.issues.map(({ path, message }) => `${path.join(".")}: ${message}`));
    expect(problems).toEqual([
      [expect.stringMatching(/^SMTP_CA_FILE: cannot be read: ENOENT/)],
      [`SMTP_CA_FILE: ${notPem} holds no PEM certificate`],
      [expect.stringMatching(new RegExp(`^SMTP_CA_FILE: certificate 2 of ${brokenBundle} does not parse`))],
    ]);
    expect(parse(certFile).success).toBe(true);
    expect(() => readCaFile(certFile, new Date(Date.now() + 3 * 24 * 3600 * 1000))).toThrow(`certificate 1 of ${certFile} (CN=smtp.test) expired on`);
  });
});

describe("the notifications service with MAIL_TRANSPORT=smtp", () => {
  let nats: NatsServer;
  let db: TestDatabase;
  let service: RunningService;
  let bus: Bus;

  beforeAll(async () => {
    nats = await startNatsServer();
    db = await createTestDatabase("notifications_smtp");
    const config = NotificationsConfig.parse({ NATS_URL: nats.url, DATABASE_URL: db.url, PORT: "0", LOG_LEVEL: "silent", MAIL_TRANSPORT: "smtp", SMTP_URL: smtpUrl() });
    service = await startNotifications(config, { mailWorker: { pollMs: 100, retryBaseMs: 200, retryMaxMs: 1_000 } });
    bus = await connectBus(nats.url);
  });
  afterAll(async () => {
    await service?.stop();
    await bus?.close();
    await db?.drop();
    await nats?.stop();
  });

  /** publishes an OrderConfirmed for `email`; once its mail row is sent, that row and the mails that arrived with its Message-ID */
  const confirmOrderOf = async (email: string) => {
    const event = orderConfirmed({ email });
    const orderId = event.subject;
    await bus.publish(event);
    const row = await waitFor(async () => (await mailsForOrder(service.sql, orderId)).find((mail) => mail.status === "sent"), { what: `confirmation of ${orderId} sent` });
    const arrived = received.filter((mail) => mail.headers.get("message-id") === `<${orderId}.confirmed@checkout>`);
    return { orderId, row, arrived };
  };

  it("given OrderConfirmed, the shopper's server receives one confirmation with the order's Message-ID, and the row is sent with the server's reply", async () => {
    const email = shopper();
    const { orderId, row, arrived: [arrived, ...others] } = await confirmOrderOf(email);
    expect(others).toEqual([]);
    expect(arrived).toMatchObject({ user: "user", from: "orders@checkout.local", to: [email] });
    expect(arrived!.headers.get("subject")).toBe(`Your order ${orderId.slice(0, 8).toUpperCase()} is confirmed`);
    expect(arrived!.parts.get("text/plain")).toContain("2 × MUG-LOGO");
    expect(arrived!.parts.get("text/html")).toContain("Total: $36.50");
    expect(row).toMatchObject({ kind: "confirmed", attempts: 1, transportMessageId: `<${orderId}.confirmed@checkout> 250 queued as ${arrived!.queueId}` });
    expect(deliveredTo(email)).toHaveLength(1);
  });

  it("a mail the server first defers with 451 is sent again, delivered once and marked sent", async () => {
    const email = shopper();
    refuse("DATA", email, 451);
    const { orderId, row, arrived: [arrived, ...others] } = await confirmOrderOf(email);
    expect(others).toEqual([]);
    expect(row).toMatchObject({ attempts: 2, transportMessageId: `<${orderId}.confirmed@checkout> 250 queued as ${arrived!.queueId}` });
    expect(row.lastError).toContain("451");
    expect(deliveredTo(email)).toHaveLength(1);
  });
});
