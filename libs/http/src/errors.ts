import type { z } from "zod";

export interface FieldError {
  field: string;
  message: string;
}

/** An error a client caused or can act on; `code` is stable and documented. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }

  /** extension members of the problem+json answer (RFC 9457 §3.2), beside type, status, code, detail */
  problemMembers(): Record<string, unknown> {
    return {};
  }
}

export class ValidationError extends HttpError {
  constructor(errors: FieldError[], message = `invalid ${errors.map((e) => e.field).join(", ")}`) {
    super(400, "validation_failed", message, errors);
  }

  static fromZod(error: z.ZodError, prefix = ""): ValidationError {
    return new ValidationError(
      error.issues.map((issue) => ({
        field: [prefix, ...issue.path.map(String)].filter(Boolean).join(".") || prefix || "body",
        message: issue.message,
      })),
    );
  }
}

export class NotFoundError extends HttpError {
  constructor(what: string, id: string) {
    super(404, "not_found", `${what} ${id} does not exist`);
  }
}

export class ConflictError extends HttpError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

export class UnprocessableError extends HttpError {
  constructor(code: string, message: string, errors?: FieldError[]) {
    super(422, code, message, errors);
  }
}

export class UnavailableError extends HttpError {
  constructor(message: string, retryAfterSeconds = 1) {
    super(503, "unavailable", message, undefined, { "Retry-After": String(retryAfterSeconds) });
  }
}
