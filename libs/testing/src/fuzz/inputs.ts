import fc from "fast-check";

// What a careless or hostile client could send: header values, numbers, text, bodies close to a valid
// one or not JSON at all, content types, path segments and query strings.

const latin1 = (from: number, to: number) => fc.integer({ min: from, max: to }).map((code) => String.fromCharCode(code));

/** A value an HTTP header can carry (fetch refuses NUL, CR, LF and anything past U+00FF). */
export const headerValue = fc.string({ unit: fc.oneof({ weight: 8, arbitrary: latin1(0x20, 0x7e) }, latin1(0x80, 0xff), fc.constant("\t")), maxLength: 300 });

/** Numbers a schema may not have planned for. */
export const oddNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.maxSafeInteger(),
  fc.constantFrom(0, -0, -1, 0.5, 1.5, 99, 100, 1e21, 1e308, -1e308, 2 ** 31, 2 ** 53, 2 ** 63, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, 10_000_001),
);

/**
 * Text that passes a length check but holds what a database, a JSON column or a log may refuse or
 * mangle: NUL, lone surrogates, control, bidi and escape characters.
 */
export const hostileText: fc.Arbitrary<string> = fc
  .tuple(
    fc.string({ minLength: 1, maxLength: 8 }),
    fc.oneof(
      { weight: 3, arbitrary: fc.constant("\u0000") },
      { weight: 3, arbitrary: fc.constantFrom("\ud800", "\udfff", "\udc00\ud800") },
      { weight: 2, arbitrary: fc.constantFrom("\u202e", "\ufeff", "\u0007", "\u001b[31m", "\\u0000", "\r\n", "%00", "😀", "\u0085", "\u2028") },
    ),
    fc.string({ maxLength: 8 }),
  )
  .map(([before, odd, after]) => `${before}${odd}${after}`);

/** Strings a schema may not have planned for: control characters, NUL, unicode, lone surrogates, long ones. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: hostileText },
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.string({ unit: "binary-ascii" }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom("", " ", "\t", "\u0000", "a\u0000b", "\ud800", "x\udfffy", "é", "😀", "null", "undefined", "true", "0", "-1", "NaN", "1e400", "<script>x</script>", "'; DROP TABLE orders; --", "../..", "%00", "${x}", "__proto__"),
  fc.integer({ min: 100, max: 5_000 }).map((n) => "A".repeat(n)),
);

/** Anything JSON can hold, weighted towards the odd scalars. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: oddNumber },
  { weight: 4, arbitrary: oddString },
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);

const DROP = Symbol("drop");

/** A value of the same JSON type as `valid` that its schema may still refuse (or wrongly accept). */
function likeValue(valid: unknown, keepTypes: boolean): fc.Arbitrary<unknown> {
  if (typeof valid === "string") return fc.oneof({ weight: 3, arbitrary: hostileText }, oddString);
  if (typeof valid === "number") return oddNumber;
  if (typeof valid === "boolean") return fc.boolean();
  if (valid !== null && typeof valid === "object" && !Array.isArray(valid)) return nearly(valid as Record<string, unknown>, {}, { keepTypes });
  return oddValue;
}

/**
 * Objects shaped like `valid` with a few fields changed (each with a chance of one in four): dropped,
 * replaced by a value of the same type (nested objects recursively, strings by hostile text), by
 * `fields[key]` when given, or by any odd value; now and then with extra fields. Most fields stay
 * valid, so that a case gets past validation with one odd value in it; a failure shrinks towards `valid`.
 */
export function nearly(
  valid: Record<string, unknown>,
  fields: Record<string, fc.Arbitrary<unknown>> = {},
  { keepTypes = false }: { /** only same-type replacements: no field dropped, no number where a string goes */ keepTypes?: boolean } = {},
): fc.Arbitrary<Record<string, unknown>> {
  const change = (key: string) => {
    const replacement = fields[key] ? fc.oneof(fields[key], likeValue(valid[key], keepTypes)) : likeValue(valid[key], keepTypes);
    const changed = keepTypes ? replacement : fc.oneof({ weight: 1, arbitrary: fc.constant<unknown>(DROP) }, { weight: 6, arbitrary: replacement }, { weight: 1, arbitrary: oddValue });
    return fc.oneof({ withCrossShrink: true }, { weight: 3, arbitrary: fc.constant<unknown>(valid[key]) }, { weight: 1, arbitrary: changed });
  };
  const changes = fc.record(Object.fromEntries(Object.keys(valid).map((key) => [key, change(key)])) as Record<string, fc.Arbitrary<unknown>>);
  const extra = fc.oneof(
    { withCrossShrink: true },
    { weight: 4, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom("__proto__", "constructor", "id", "userId", "status")), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }) },
  );
  return fc.tuple(changes, extra).map(([changed, extras]) => {
    const out: Record<string, unknown> = {};
    // defineProperty: an extra "__proto__" is an own field, as JSON.parse makes it on the other side
    for (const [key, value] of Object.entries(extras)) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    for (const [key, value] of Object.entries(changed)) if (value !== DROP) out[key] = value;
    return out;
  });
}

/** Number literals that JSON.stringify never writes but a client may: 1e400 parses as Infinity, 1e-400 as 0. */
const NUMBER_TEXTS = ["1e400", "-1e400", "1e-400", "-0", "0.0", "1.0", "1E2", "100000000000000000000000", "9007199254740993", "0.1e1", "-0.0"];

/** Bodies that are not JSON, or JSON with number texts outside what JSON.stringify writes, or too large (64 KiB is the limit). */
export const rawBody = (fieldsOfBody: readonly string[] = []): fc.Arbitrary<string | Uint8Array> =>
  fc.oneof(
    fc.string({ unit: "binary" }),
    fc.constantFrom("", " ", "{", "}", "[", '{"a":', "null", "undefined", "NaN", "{'a':1}", "\u0000", "\ufeff{}", '{"__proto__":{"admin":true}}', "[]", "{}{}", '"x"', "1", "true"),
    fc.constant(`${"[".repeat(20_000)}${"]".repeat(20_000)}`),
    fc.integer({ min: 0, max: 4_096 }).map((n) => `{"pad":"${"x".repeat(64 * 1024 + n)}"}`),
    fc.uint8Array({ maxLength: 200 }),
    ...(fieldsOfBody.length ? [fc.tuple(fc.constantFrom(...fieldsOfBody), fc.constantFrom(...NUMBER_TEXTS)).map(([field, text]) => `{"${field}":${text}}`)] : []),
  );

/** Content-Type values: right, nearly right, wrong, and random. */
export const contentType: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/merge-patch+json", "application/problem+json", "application/json-seq") },
  { weight: 2, arbitrary: fc.constantFrom("", "text/plain", "text/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "application/xml", "application/jsonx", "json", "*/*") },
  headerValue,
);

/** Path segments: uuids, encoded arbitrary strings, malformed escapes, numbers, very long ones. */
export const pathSegment: fc.Arbitrary<string> = fc.oneof(
  fc.uuid(),
  fc.uuid().map((id) => id.toUpperCase()),
  fc.string({ unit: "binary" }).map(encodeURIComponent),
  fc.string().map(encodeURIComponent),
  fc.constantFrom(
    ".", "..", "%", "%zz", "%00", "%2F", "%2e%2e", "%C3%28", "%E0%A4%A", "%F0%9F%98%80", "%ED%A0%80", "null", "undefined", "0", "-1", "1e3", "NaN", "0x10",
    "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "%7B00000000-0000-0000-0000-000000000000%7D", "9223372036854775808",
    "999999999999999999", "9999999999999999999", "1".repeat(40), "A".repeat(64), "A".repeat(65), "MUG-LOGO", "mug-logo", "MUG_LOGO", "%20MUG-LOGO",
  ),
  fc.integer({ min: 100, max: 6_000 }).map((n) => "A".repeat(n)),
);

/** A query string (with its "?", or none) over `keys` and random ones: odd values, repeats, malformed escapes. */
export const queryString = (keys: readonly string[]): fc.Arbitrary<string> => {
  const key = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...keys) }, fc.string());
  const value = fc.oneof(oddString, oddNumber.map(String));
  const pieces = keys.flatMap((k) => [k, `${k}=`, `${k}=%zz`, `${k}=%00`, `${k}=-1`, `${k}=0`, `${k}=1.5`, `${k}=1e3`, `${k}=99999999999999999999`, `${k}=%20`, `${k}=1&${k}=2`]);
  return fc
    .oneof(
      fc.dictionary(key, value, { maxKeys: 4 }).map((entries) => new URLSearchParams(entries).toString()),
      fc.array(fc.oneof(fc.constantFrom(...pieces, "%", "&", "=", "%zz", "a[b]=c", "__proto__=1"), fc.string().map(encodeURIComponent)), { maxLength: 5 }).map((parts) => parts.join("&")),
    )
    .map((query) => (query ? `?${query}` : ""));
};
