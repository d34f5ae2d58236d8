import { createSecureContext } from "node:tls";
import { trustedCas } from "./ca.ts";
import { PermanentMailError, type MailTransport } from "./transport.ts";

/**
 * Sends through an SMTP server with nodemailer (`SMTP_URL`, e.g. smtp://user:pass@host:587). The stable
 * Message-ID goes in the header, so that a receiving system can drop a resend. The timeouts stay well
 * inside the worker's lease, so a hung connection cannot outlive the claim on the row.
 * nodemailer is loaded only when this transport is chosen.
 *
 * TLS: `smtps://` speaks TLS from the start; `smtp://` upgrades with STARTTLS when the server offers it,
 * and `?requireTLS=true` refuses a server that does not (nodemailer reads its options from the URL's
 * query, and they win over the ones given here). The server's certificate must chain to a CA Node
 * trusts or to `ca` (PEM, `SMTP_CA_FILE`: a relay with a private CA), which is trusted besides them.
 */
export async function smtpTransport({ url, timeoutMs = 20_000, ca }: { url: string; timeoutMs?: number; ca?: string | undefined }): Promise<MailTransport> {
  // nodemailer's API is its default export (in its CommonJS and its ES module builds alike)
  const { default: nodemailer } = await import("nodemailer").catch((error: unknown) => {
    throw new Error(`MAIL_TRANSPORT=smtp needs the nodemailer package installed (${(error as Error).message})`);
  });
  const transporter = nodemailer.createTransport({
    url,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // one context for every connection: given a `ca` list, each connection would parse it again
    ...(ca ? { tls: { secureContext: createSecureContext({ ca: trustedCas(ca) }) } } : {}),
  });
  return {
    name: `smtp (${new URL(url).host})`,
    async send(mail) {
      try {
        const info = await transporter.sendMail({
          messageId: mail.messageId,
          from: mail.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          ...(mail.html ? { html: mail.html } : {}),
        });
        return { transportMessageId: `${info.messageId} ${info.response ?? ""}`.trim() };
      } catch (error) {
        const { code, command, responseCode } = error as { code?: string; command?: string; responseCode?: number };
        // a 5xx refusal of the recipient (no such user, address refused) will not change on a retry;
        // anything else is retried: connection, timeout, 4xx, authentication, and a refused sender (530
        // without credentials, 553 sender not allowed), which is the configuration's fault, not this mail's
        if (code === "EENVELOPE" && command === "RCPT TO" && typeof responseCode === "number" && responseCode >= 500) {
          throw new PermanentMailError((error as Error).message);
        }
        throw error;
      }
    },
    async close() {
      transporter.close();
    },
  };
}
