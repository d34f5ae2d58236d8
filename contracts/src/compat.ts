import { z } from "zod";
import type { EventContract } from "./define-event.ts";

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  [key: string]: unknown;
};

/** The JSON Schema of every version of an event that consumers still accept, keyed by `type`. */
export function jsonSchemas(contract: EventContract): Map<string, JsonSchema> {
  const schemas = new Map<string, JsonSchema>([[contract.type, toJson(contract.schema)]]);
  for (const old of contract.older) schemas.set(`checkout.${contract.name}.v${old.version}`, toJson(old.schema));
  return schemas;
}

const toJson = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;

/**
 * What makes a new schema unable to stand in for the published one under the same version. Producers
 * and consumers of one version must read each other: the required fields, the types and the allowed
 * values stay as they were; only optional fields may be added.
 */
export function breakingChanges(published: JsonSchema, current: JsonSchema, path = "$"): string[] {
  const problems: string[] = [];
  const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (!sameJson(published.type, current.type)) problems.push(`${path}: type ${show(published.type)} became ${show(current.type)}`);
  if (!sameJson(published.const, current.const)) problems.push(`${path}: constant changed`);
  if (published.enum || current.enum) {
    const before = new Set((published.enum ?? []).map((v) => JSON.stringify(v)));
    const after = new Set((current.enum ?? []).map((v) => JSON.stringify(v)));
    for (const v of before) if (!after.has(v)) problems.push(`${path}: value ${v} removed`);
    for (const v of after) if (!before.has(v)) problems.push(`${path}: value ${v} added (older consumers would refuse it)`);
  }
  for (const key of ["format", "pattern", "minimum", "maximum", "minLength", "maxLength", "minItems"] as const) {
    if (!sameJson(published[key], current[key])) problems.push(`${path}: ${key} ${show(published[key])} became ${show(current[key])}`);
  }
  const requiredBefore = new Set(published.required ?? []);
  const requiredAfter = new Set(current.required ?? []);
  for (const field of requiredBefore) if (!requiredAfter.has(field)) problems.push(`${path}.${field}: no longer required`);
  for (const field of requiredAfter) if (!requiredBefore.has(field)) problems.push(`${path}.${field}: newly required`);
  for (const [field, schema] of Object.entries(published.properties ?? {})) {
    const next = current.properties?.[field];
    if (!next) problems.push(`${path}.${field}: removed`);
    else problems.push(...breakingChanges(schema, next, `${path}.${field}`));
  }
  if (published.items && current.items) problems.push(...breakingChanges(published.items, current.items, `${path}[]`));
  if (published.anyOf || current.anyOf) {
    if (!sameJson(published.anyOf, current.anyOf)) problems.push(`${path}: union changed`);
  }
  return problems;
}

const show = (value: unknown) => (value === undefined ? "(none)" : JSON.stringify(value));
