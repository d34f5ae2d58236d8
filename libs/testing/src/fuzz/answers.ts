import { expect } from "vitest";
import type { Send } from "./run.ts";

// What every answer must be, whatever was sent: below 500, and a refusal is problem+json as
// libs/http problem() writes it. And the service still answers afterwards.

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance: string;
  errors?: { field: string; message: string }[];
}

export interface Answer {
  status: number;
  /** the problem+json of a refusal */
  problem?: Problem;
  /** the JSON body of a success, if it has one */
  body?: unknown;
}

/** Refusals that always name what was wrong (libs/http: validation, 401/403 Authorization, 413 body, 415 content-type). */
const NAMING = new Set([400, 401, 403, 413, 415]);

/**
 * What every answer must be: below 500; a refusal is problem+json as libs/http problem() writes it
 * (type .../problems/<code>, title, status = the HTTP status, code, detail, instance), and a 400, 401,
 * 403, 413 or 415 names the fields at fault. With `fields`, a 400 names only those (or their children).
 */
export async function expectAnswer(response: Response, { fields, method = "GET" }: { fields?: readonly string[]; method?: string } = {}): Promise<Answer> {
  const type = response.headers.get("content-type") ?? "";
  if (response.status < 400 && type.startsWith("text/event-stream")) {
    await response.body?.cancel();
    return { status: response.status };
  }
  const text = await response.text();
  expect(response.status, `a ${response.status}: ${text.slice(0, 500)}`).toBeLessThan(500);
  if (response.status < 400) return { status: response.status, ...(/json/.test(type) && text ? { body: JSON.parse(text) as unknown } : {}) };

  expect(type, `a ${response.status} that is not problem+json: ${text.slice(0, 300)}`).toMatch(/^application\/problem\+json/);
  if (method === "HEAD") return { status: response.status };
  const problem = JSON.parse(text) as Problem;
  expect(problem).toMatchObject({ title: expect.any(String), status: response.status, code: expect.stringMatching(/^[a-z_]+$/), detail: expect.any(String), instance: expect.any(String) });
  expect(problem.type).toBe(`https://checkout.dev/problems/${problem.code}`);
  expect(problem.title).not.toBe("");
  if (NAMING.has(response.status)) {
    expect(problem.errors, `a ${response.status} naming no field: ${text.slice(0, 300)}`).toEqual(expect.arrayContaining([expect.objectContaining({ field: expect.any(String), message: expect.any(String) })]));
    for (const { field } of problem.errors ?? []) expect(field).not.toBe("");
  }
  if (response.status === 400 && fields && problem.code === "validation_failed") {
    for (const { field } of problem.errors ?? []) {
      expect(fields.some((known) => field === known || field.startsWith(`${known}.`)), `a 400 naming ${field}, not one of ${fields.join(", ")}`).toBe(true);
    }
  }
  return { status: response.status, problem };
}

/** The service still answers: GET /healthz is 200. */
export async function expectAlive(send: Send): Promise<void> {
  const response = await send("GET", "/healthz");
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: "ok" });
}
