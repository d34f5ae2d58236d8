import { rootCertificates } from "node:tls";
import { describe, expect, it } from "vitest";
import { trustedCas } from "./ca.ts";

describe("trustedCas", () => {
  it("keeps every CA Node trusts by default and adds the private one", () => {
    const extra = "-----BEGIN CERTIFICATE-----\nprivate\n-----END CERTIFICATE-----";
    const trusted = trustedCas(extra);
    expect(trusted).toEqual(expect.arrayContaining([...rootCertificates, extra]));
    expect(trusted.at(-1)).toBe(extra);
  });
});
