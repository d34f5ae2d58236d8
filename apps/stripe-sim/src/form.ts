// Decoding of Stripe's form bodies and query strings: `metadata[order_id]=x`, `expand[]=a`,
// `payment_method_types[0]=card` (the SDK sends indexed arrays) into nested values.

export type FormValue = string | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

const unsafeKeys = new Set(["__proto__", "prototype", "constructor"]);
const arraySegment = /^(\d+)?$/;

/** "a[b][]" → ["a", "b", ""]; a key with unbalanced brackets is taken literally. */
export function parseKey(key: string): string[] {
  const open = key.indexOf("[");
  if (open <= 0) return [key];
  const rest = key.slice(open);
  if (!/^(\[[^[\]]*\])+$/.test(rest)) return [key];
  return [key.slice(0, open), ...[...rest.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? "")];
}

export function decodeForm(input: string | URLSearchParams): FormObject {
  const params = typeof input === "string" ? new URLSearchParams(input) : input;
  const root: FormObject = {};
  for (const [key, value] of params) {
    const path = parseKey(key);
    if (path.some((segment) => unsafeKeys.has(segment))) continue;
    assign(root, path, value);
  }
  return compact(root) as FormObject;
}

function assign(root: FormObject, path: string[], value: string): void {
  let container: FormObject | FormValue[] = root;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i] ?? "";
    const last = i === path.length - 1;
    const next: FormValue | undefined = last ? value : arraySegment.test(path[i + 1] ?? "") ? [] : {};
    if (Array.isArray(container)) {
      if (!arraySegment.test(segment)) return; // "a[0][b]" mixed with "a[x]": ignore the malformed pair
      const index = segment === "" ? container.length : Number(segment);
      const existing = container[index];
      if (last || existing === undefined || typeof existing === "string") container[index] = next;
      container = container[index] as FormObject | FormValue[];
    } else {
      const existing = Object.hasOwn(container, segment) ? container[segment] : undefined;
      if (last || existing === undefined || typeof existing === "string") container[segment] = next;
      container = container[segment] as FormObject | FormValue[];
    }
  }
}

/** Drops holes left by sparse indexes (`a[0]=x&a[5]=y` → ["x", "y"]). */
function compact(value: FormValue): FormValue {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(compact);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compact(v)]));
}

/** JSON bodies (handy with curl) are accepted too: scalars become strings, null becomes "". */
export function fromJson(value: unknown): FormObject {
  const converted = toFormValue(value);
  if (typeof converted === "string" || Array.isArray(converted)) throw new TypeError("JSON body must be an object");
  return converted;
}

function toFormValue(value: unknown): FormValue {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(toFormValue);
  if (typeof value === "object") {
    const entries = Object.entries(value).filter(([key]) => !unsafeKeys.has(key));
    return Object.fromEntries(entries.map(([key, item]) => [key, toFormValue(item)]));
  }
  return String(value);
}
