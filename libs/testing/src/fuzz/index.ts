// Property-based tests of the HTTP APIs (fast-check): bad input thrown at every endpoint, and what every
// answer must be whatever was sent: never a 5xx, a refusal is problem+json naming what was wrong, the
// service keeps answering, and a refused change writes nothing. The properties live beside each
// service's routes, in apps/*/src/http/fuzz.int.test.ts.
export * from "./run.ts";
export * from "./inputs.ts";
export * from "./tokens.ts";
export * from "./answers.ts";
export * from "./properties.ts";
