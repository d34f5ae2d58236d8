import Stripe from "stripe";

/**
 * The real stripe SDK. `apiUrl` points it at the local simulator (http://127.0.0.1:12111) in
 * development and tests, or at https://api.stripe.com with a real secret key.
 */
export function createStripe({ secretKey, apiUrl, timeoutMs = 10_000, maxNetworkRetries = 2 }: { secretKey: string; apiUrl: string; timeoutMs?: number; maxNetworkRetries?: number }): Stripe {
  const url = new URL(apiUrl);
  const protocol = url.protocol === "http:" ? "http" : "https";
  return new Stripe(secretKey, {
    host: url.hostname,
    port: Number(url.port || (protocol === "http" ? 80 : 443)),
    protocol,
    timeout: timeoutMs,
    maxNetworkRetries,
    appInfo: { name: "checkout-payments" },
    // no request-latency telemetry headers: with many calls in flight the SDK's buffer for them fills up
    // and it emits a process warning per call (a stack trace each), which cost more than the call
    telemetry: false,
  });
}
