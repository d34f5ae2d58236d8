export * from "./entry.ts";
export * from "./errors.ts";
export * from "./operations.ts";
export * from "./routes.ts";
