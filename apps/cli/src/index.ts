// The reusable, I/O-free parts of the CLI. The program itself starts in main.ts (bin/checkout.js).
export * from "./format/table.ts";
export * from "./format/money.ts";
export * from "./format/duration.ts";
export * from "./format/bytes.ts";
export * from "./trace/facts.ts";
export * from "./trace/key-fields.ts";
export * from "./trace/render.ts";
export * from "./streams/report.ts";
export * from "./errors.ts";
