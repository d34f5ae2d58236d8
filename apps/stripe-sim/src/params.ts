// Readers for decoded request params. Each throws the invalid_request_error Stripe would send,
// naming the offending `param`.
import { invalidRequest } from "./errors.ts";
import type { FormObject, FormValue } from "./form.ts";

const maxAmount = 99_999_999; // Stripe's limit: 8 digits of minor units

function read(params: FormObject, name: string): FormValue | undefined {
  return Object.hasOwn(params, name) ? params[name] : undefined;
}

export function readString(params: FormObject, name: string): string | undefined {
  const value = read(params, name);
  if (value === undefined || value === "") return undefined;
  if (typeof value !== "string") throw invalidRequest(`Invalid string: ${name} must be a string`, { code: "parameter_invalid_string", param: name });
  return value;
}

export function requireString(params: FormObject, name: string): string {
  const value = readString(params, name);
  if (value === undefined) throw invalidRequest(`Missing required param: ${name}.`, { code: "parameter_missing", param: name });
  return value;
}

/** A positive integer amount in minor units, or undefined when absent. */
export function readAmount(params: FormObject, name: string): number | undefined {
  const raw = readString(params, name);
  if (raw === undefined) return undefined;
  const amount = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(amount) || amount < 1) {
    throw invalidRequest(`Invalid integer: ${raw}. ${name} must be a positive integer in the smallest currency unit.`, {
      code: "parameter_invalid_integer",
      param: name,
    });
  }
  if (amount > maxAmount) throw invalidRequest(`Amount must be no more than ${maxAmount}.`, { code: "amount_too_large", param: name });
  return amount;
}

export function requireAmount(params: FormObject, name: string): number {
  const amount = readAmount(params, name);
  if (amount === undefined) throw invalidRequest(`Missing required param: ${name}.`, { code: "parameter_missing", param: name });
  return amount;
}

export function requireCurrency(params: FormObject, name = "currency"): string {
  const raw = requireString(params, name);
  if (!/^[a-z]{3}$/i.test(raw)) throw invalidRequest(`Invalid currency: ${raw}.`, { code: "parameter_invalid_string", param: name });
  return raw.toLowerCase();
}

export function readBoolean(params: FormObject, name: string): boolean | undefined {
  const raw = readString(params, name);
  if (raw === undefined) return undefined;
  if (raw !== "true" && raw !== "false") throw invalidRequest(`Invalid boolean: ${raw}`, { code: "parameter_invalid_boolean", param: name });
  return raw === "true";
}

export function readEnum<T extends string>(params: FormObject, name: string, allowed: readonly T[]): T | undefined {
  const raw = readString(params, name);
  if (raw === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw invalidRequest(`Invalid ${name}: must be one of ${allowed.join(", ")}`, { code: "parameter_invalid_string", param: name });
  }
  return raw as T;
}

/** metadata[key]=value pairs; an empty value removes the key, as in Stripe. */
export function readMetadata(params: FormObject, name = "metadata"): Record<string, string> {
  const value = read(params, name);
  if (value === undefined || value === "") return {};
  if (typeof value === "string" || Array.isArray(value)) throw invalidRequest("Invalid object", { code: "parameter_invalid_string", param: name });
  const metadata: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== "string") throw invalidRequest(`Invalid ${name}[${key}]: must be a string`, { param: `${name}[${key}]` });
    if (item !== "") metadata[key] = item;
  }
  return metadata;
}

export function readStringList(params: FormObject, name: string): string[] | undefined {
  const value = read(params, name);
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    throw invalidRequest(`Invalid array: ${name}`, { code: "parameter_invalid_string", param: name });
  }
  return value as string[];
}

export function readLimit(params: FormObject): number {
  const raw = readString(params, "limit");
  if (raw === undefined) return 10;
  const limit = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(limit >= 1 && limit <= 100)) throw invalidRequest("Invalid limit: must be between 1 and 100", { code: "parameter_invalid_integer", param: "limit" });
  return limit;
}
