import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import * as tls from "node:tls";

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The certificates of `SMTP_CA_FILE`, read when the configuration is loaded so that a bad file stops
 * the start like any bad setting: unreadable, without a PEM certificate, or holding one that does not
 * parse or has expired (every block of a bundle is checked: TLS would skip a broken one silently).
 */
export function readCaFile(path: string, now = new Date()): string {
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`cannot be read: ${(error as Error).message}`);
  }
  const blocks = pem.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new Error(`${path} holds no PEM certificate`);
  blocks.forEach((block, index) => {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(block);
    } catch (error) {
      throw new Error(`certificate ${index + 1} of ${path} does not parse: ${(error as Error).message}`);
    }
    if (new Date(certificate.validTo) < now) throw new Error(`certificate ${index + 1} of ${path} (${certificate.subject}) expired on ${certificate.validTo}`);
  });
  return blocks.join("\n");
}

/**
 * The CAs an SMTP connection trusts when `extra` is given: Node's `ca` option replaces the default
 * store, so the defaults go with it. Node ≥ 22.15 says what its default store is (Mozilla's list plus
 * NODE_EXTRA_CA_CERTS and, when enabled, the system's); Node 20 knows only Mozilla's list.
 */
export function trustedCas(extra: string): string[] {
  const getCACertificates = (tls as { getCACertificates?: (type: "default") => string[] }).getCACertificates;
  const defaults = getCACertificates ? getCACertificates("default") : tls.rootCertificates;
  return [...defaults, extra];
}
