// Writes the JSON Schema of each event version under contracts/schemas/, and keeps the published ones true:
// a version may gain optional fields (the file is rewritten with them), but a change that breaks what was
// published is refused here and needs a new version (see contracts/README.md).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { AllEvents } from "../src/index.ts";
import { breakingChanges, jsonSchemas } from "../src/compat.ts";

const dir = new URL("../schemas/", import.meta.url);
const refused: string[] = [];
for (const contract of AllEvents) {
  for (const [type, schema] of jsonSchemas(contract)) {
    const file = new URL(`${type}.json`, dir);
    const text = `${JSON.stringify({ $id: `urn:${type}`, subject: contract.filter, ...schema }, null, 2)}\n`;
    if (!existsSync(file)) {
      writeFileSync(file, text);
      console.log(`wrote schemas/${type}.json`);
      continue;
    }
    const published = readFileSync(file, "utf8");
    if (published === text) continue;
    const { $id, subject, ...publishedSchema } = JSON.parse(published);
    const problems = breakingChanges(publishedSchema, schema);
    if (problems.length > 0) {
      refused.push(`${type}: ${problems.join("; ")}`);
      continue;
    }
    writeFileSync(file, text);
    console.log(`updated schemas/${type}.json (a compatible change: optional fields or descriptions)`);
  }
}
if (refused.length > 0) {
  console.error(`refused, these change what a published version means (define a new version instead):\n  ${refused.join("\n  ")}`);
  process.exitCode = 1;
}
