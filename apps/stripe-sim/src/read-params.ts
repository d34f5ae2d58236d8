// Decodes the query string and (for POST) the form or JSON body into c.get("params").
import type { MiddlewareHandler } from "hono";
import { invalidRequest } from "./errors.ts";
import { decodeForm, fromJson } from "./form.ts";
import type { FormObject } from "./form.ts";
import type { SimEnv } from "./http.ts";

export function readParams(): MiddlewareHandler<SimEnv> {
  return async function readParamsMiddleware(c, next) {
    const query = decodeForm(new URL(c.req.url).searchParams);
    const body = c.req.method === "POST" ? parseBody(await c.req.text(), c.req.header("Content-Type") ?? "") : {};
    c.set("params", { ...query, ...body });
    await next();
  };
}

function parseBody(text: string, contentType: string): FormObject {
  if (text.trim() === "") return {};
  if (!contentType.includes("json")) return decodeForm(text);
  try {
    return fromJson(JSON.parse(text));
  } catch {
    throw invalidRequest("Invalid request body: expected application/x-www-form-urlencoded or a JSON object.");
  }
}
