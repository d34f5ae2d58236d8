// How production runs a service, in one place with no dependencies: the build (scripts/build.ts), the
// deploy files and their test (deploy/), the test harness (libs/testing) and the benchmark read it.

/** The apps `npm run build` bundles and the image runs. */
export const BUILT_SERVICES = ["orders", "inventory", "payments", "shipping", "notifications", "stripe-sim"] as const;
export type BuiltService = (typeof BUILT_SERVICES)[number];

/** Where the bundle of a service is written, relative to the repository root (ADR 0011). */
export const bundlePath = (service: BuiltService) => `apps/${service}/dist/main.mjs`;

/**
 * NODE_OPTIONS of every service in deploy/k8s and compose.yaml, the image's default (Dockerfile), and in
 * the benchmark. Without a cap V8 lets the old generation grow with the garbage of slow requests (orders
 * reached 230-280 MB in a flash sale, above its pod's 256Mi limit) and collects it only when it must.
 *
 * The young generation is pinned too: 16 MB semi-spaces, what Node 20 chose by itself for this heap.
 * Node 24 (the image's runtime) would let them grow to 64 MB (its heap limit goes from 208 to 352 MB
 * under the same old-space cap): in the flash sale orders then reached 296-302 MB, past its pod's
 * limit, and spent twice the CPU per buyer (docs/benchmarks.md, eleventh session).
 */
export const PRODUCTION_NODE_OPTIONS = "--max-old-space-size=160 --max-semi-space-size=16";
