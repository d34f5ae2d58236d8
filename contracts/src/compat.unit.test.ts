import { readFileSync, existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AllEvents } from "./index.ts";
import { breakingChanges, jsonSchemas } from "./compat.ts";

/** The published JSON Schema of an event version, without the file's `$id` and `subject` */
const published = (type: string) => {
  const file = new URL(`../schemas/${type}.json`, import.meta.url);
  if (!existsSync(file)) return undefined;
  const { $id, subject, ...schema } = JSON.parse(readFileSync(file, "utf8"));
  return schema;
};

describe("published event schemas", () => {
  for (const contract of AllEvents) {
    for (const [type, schema] of jsonSchemas(contract)) {
      it(`${type} still reads and writes what was published`, () => {
        const before = published(type);
        expect(before, `schemas/${type}.json is missing: run npm run generate -w contracts`).toBeDefined();
        expect(breakingChanges(before, schema)).toEqual([]);
      });
      it(`${type}: the published file says what the code accepts (optional fields included)`, () => {
        expect(published(type), `schemas/${type}.json is out of date: run npm run generate -w contracts`).toEqual(schema);
      });
    }
  }
});

describe("breakingChanges", () => {
  const v1 = z.toJSONSchema(z.object({ orderId: z.string(), reason: z.enum(["a", "b"]), note: z.string().optional() }));
  const check = (next: z.ZodType) => breakingChanges(v1 as never, z.toJSONSchema(next) as never);

  it("accepts a new optional field", () => {
    expect(check(z.object({ orderId: z.string(), reason: z.enum(["a", "b"]), note: z.string().optional(), extra: z.number().optional() }))).toEqual([]);
  });
  it("refuses a removed, a newly required, a retyped field and an enum change", () => {
    expect(check(z.object({ reason: z.enum(["a", "b"]) }))).toContain("$.orderId: no longer required");
    expect(check(z.object({ orderId: z.string(), reason: z.enum(["a", "b"]), note: z.string() }))).toContain("$.note: newly required");
    expect(check(z.object({ orderId: z.number(), reason: z.enum(["a", "b"]) })).join()).toMatch(/orderId: type "string" became "number"/);
    expect(check(z.object({ orderId: z.string(), reason: z.enum(["a"]) })).join()).toMatch(/value "b" removed/);
  });
});
