import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { HttpError } from "./errors.ts";

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** Writes an RFC 9457 problem+json answer. */
export function problem(c: Context, error: HttpError): Response {
  const body = {
    type: `https://checkout.dev/problems/${error.code}`,
    title: TITLES[error.status] ?? "Error",
    status: error.status,
    code: error.code,
    detail: error.message,
    ...(error.errors ? { errors: error.errors } : {}),
    ...error.problemMembers(),
    instance: c.req.path,
  };
  return c.body(JSON.stringify(body), error.status as ContentfulStatusCode, {
    "Content-Type": "application/problem+json",
    ...error.headers,
  });
}
