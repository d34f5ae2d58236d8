// Hono typing shared by the sub-apps, and the one way errors become responses.
import type { HttpBindings } from "@hono/node-server";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { StripeError } from "./errors.ts";
import type { FormObject } from "./form.ts";

export type SimEnv = {
  /** Present when served by @hono/node-server; absent with in-process app.request(). */
  Bindings: Partial<HttpBindings>;
  Variables: { apiKey: string; params: FormObject };
};

export function errorResponse(c: Context<SimEnv>, error: StripeError): Response {
  return c.json(error.toBody(), error.statusCode as ContentfulStatusCode);
}
