import fc from "fast-check";

// How the properties run: how many cases, how long at most, and how a request reaches a service.

/** `FUZZ_FACTOR=20` runs every property on 20 times its cases, with 20 times its time limit: a longer hunt. */
const factor = Math.max(1, Number(process.env["FUZZ_FACTOR"] ?? 1) || 1);

/** Cases per property: enough to meet the usual mistakes, few enough that a file takes seconds. */
export const FUZZ_RUNS = 150;

/**
 * A property's time limit, shrinking a failure included (a describe's `timeout`): past it the property
 * fails rather than pass on fewer cases.
 */
export const FUZZ_TIMEOUT_MS = 30_000 * factor;

/** A failure's reported seed, to run its cases again: `FUZZ_SEED=1613779994 npx vitest run <file> -t <name>`. */
const replaySeed = process.env["FUZZ_SEED"] ? { seed: Number(process.env["FUZZ_SEED"]) } : {};

/** fc.assert over `cases` × FUZZ_FACTOR cases (a failure reports the seed and the shrunk counterexample); returns how many ran. */
export async function checkProperty<T extends [unknown, ...unknown[]]>(property: fc.IAsyncProperty<T>, cases = FUZZ_RUNS): Promise<number> {
  const numRuns = cases * factor;
  await fc.assert(property, { numRuns, ...replaySeed, plugins: [fc.interruptAfterTimeLimit(FUZZ_TIMEOUT_MS - 10_000, { failOnInterrupt: true })] });
  return numRuns;
}

/** One request to a service: in-process (`app.request`) or over a socket (`fetch`). */
export type Send = (method: string, path: string, init?: { body?: string | Uint8Array | undefined; headers?: Record<string, string> }) => Promise<Response>;

/** Over a socket, as a client would. */
export const fetchSend =
  (baseUrl: () => string): Send =>
  (method, path, { body, headers = {} } = {}) =>
    fetch(`${baseUrl()}${path}`, { method, headers, ...(body === undefined || method === "GET" || method === "HEAD" ? {} : { body }) });
