import { z } from "zod";

/** CloudEvents 1.0 attributes. `subject` is the order id; `data` is checked by the event's own schema. */
export const Envelope = z.looseObject({
  specversion: z.literal("1.0"),
  id: z.string().min(1).max(200),
  source: z.string().min(1),
  type: z.string().regex(/^checkout\.[A-Za-z]+\.v\d+$/),
  time: z.iso.datetime({ offset: true }),
  subject: z.string().min(1),
  datacontenttype: z.literal("application/json").optional(),
  /** id of the event this one reacts to, for tracing a saga; absent on events started by HTTP. */
  causationid: z.string().optional(),
  data: z.unknown(),
});
export type Envelope = z.infer<typeof Envelope>;

export interface CloudEvent<TType extends string = string, TData = unknown> {
  specversion: "1.0";
  id: string;
  source: string;
  type: TType;
  time: string;
  /** the order id */
  subject: string;
  datacontenttype?: "application/json" | undefined;
  causationid?: string | undefined;
  data: TData;
}
