import type { Context } from "hono";
import type { z } from "zod";
import { HttpError, ValidationError } from "./errors.ts";

/** Reads and validates a JSON body; malformed JSON and schema violations become 4xx naming the field. */
export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
    throw new HttpError(415, "unsupported_media_type", "send the body as application/json", [
      { field: "content-type", message: "must be application/json" },
    ]);
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ValidationError([{ field: "body", message: "is not valid JSON" }], "the body is not valid JSON");
  }
  return parseWith(schema, body);
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown, prefix = ""): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw ValidationError.fromZod(result.error, prefix);
  return result.data;
}

/** Validates a path parameter (e.g. a uuid) so that a malformed id is a 400 naming it, not a 500. */
export function param<T extends z.ZodType>(c: Context, name: string, schema: T): z.output<T> {
  return parseWith(schema, c.req.param(name), name);
}
