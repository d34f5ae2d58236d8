export * from "./errors.ts";
export * from "./problem.ts";
export * from "./validate.ts";
export * from "./metrics.ts";
export * from "./app.ts";
export * from "./serve.ts";
export * from "./auth.ts";
export * from "./client-ip.ts";
