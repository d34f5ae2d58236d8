import { z } from "zod";

/** RFC 9457 problem details; `errors` names each offending field by its JSON path. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  code: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  /** `overloaded` (503) only: why; `queue_full`, `waited_out`, `gone` (the in-flight bound) or `backlog` (too many open orders) */
  reason: z.string().optional(),
});
export type Problem = z.infer<typeof Problem>;
