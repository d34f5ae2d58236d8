// Writes the JSON Schema of each event version that has none yet under contracts/schemas/.
// A published version is never rewritten: change the schema → add a version (see contracts/README.md).
import { existsSync, writeFileSync } from "node:fs";
import { AllEvents } from "../src/index.ts";
import { jsonSchemas } from "../src/compat.ts";

const dir = new URL("../schemas/", import.meta.url);
for (const contract of AllEvents) {
  for (const [type, schema] of jsonSchemas(contract)) {
    const file = new URL(`${type}.json`, dir);
    if (existsSync(file)) continue;
    writeFileSync(file, `${JSON.stringify({ $id: `urn:${type}`, subject: contract.filter, ...schema }, null, 2)}\n`);
    console.log(`wrote schemas/${type}.json`);
  }
}
