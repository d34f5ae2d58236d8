import { z } from "zod";
import { randomUUID } from "node:crypto";
import { Envelope, type CloudEvent } from "./envelope.ts";
import { Streams, type StreamName } from "./streams.ts";

/** An older version still accepted from the stream, with how to lift its data to the current one. */
export interface OlderVersion<TData> {
  version: number;
  schema: z.ZodType;
  upcast: (data: never) => TData;
  /** a valid `data` of this version for an order id, for the contract tests */
  sample?: (orderId: string) => unknown;
}

export class ContractError extends Error {
  readonly code = "contract_violation";
  constructor(message: string, readonly issues: z.core.$ZodIssue[] = []) {
    super(message);
    this.name = "ContractError";
  }
}

export interface EventContract<TName extends string = string, TData = unknown> {
  name: TName;
  stream: StreamName;
  /** the event token in the subject: `<prefix>.<token>.<orderId>` */
  token: string;
  version: number;
  schema: z.ZodType<TData>;
  older: OlderVersion<TData>[];
  /** the CloudEvents `type` this version writes, e.g. `checkout.OrderPlaced.v1` */
  type: string;
  /** every `type` a consumer accepts, current first */
  accepts: string[];
  /** subject filter for a consumer of this event, e.g. `orders.placed.*` */
  filter: string;
  subject(orderId: string): string;
  create(orderId: string, data: TData, options?: CreateOptions): CloudEvent<string, TData>;
  /** validate an envelope of any accepted version and return it with current-version data */
  parse(envelope: unknown): CloudEvent<string, TData>;
}

export interface CreateOptions {
  /** the event this one reacts to: becomes `causationid` */
  causedBy?: { id: string };
  id?: string;
  time?: Date;
}

export const typeName = (name: string, version: number) => `checkout.${name}.v${version}`;

export function defineEvent<const TName extends string, TSchema extends z.ZodType>({
  name,
  stream,
  token,
  schema,
  version = 1,
  older = [],
}: {
  name: TName;
  stream: StreamName;
  token: string;
  schema: TSchema;
  version?: number;
  older?: OlderVersion<z.output<TSchema>>[];
}): EventContract<TName, z.output<TSchema>> {
  type Data = z.output<TSchema>;
  const { prefix, publisher } = Streams[stream];
  const type = typeName(name, version);
  const byType = new Map<string, (data: unknown) => Data>([[type, (data) => parseData(schema, data, type) as Data]]);
  for (const old of older) {
    const oldType = typeName(name, old.version);
    byType.set(oldType, (data) => schema.parse(old.upcast(parseData(old.schema, data, oldType) as never)));
  }

  return {
    name,
    stream,
    token,
    version,
    schema: schema as z.ZodType<Data>,
    older,
    type,
    accepts: [...byType.keys()],
    filter: `${prefix}.${token}.*`,
    subject: (orderId) => `${prefix}.${token}.${orderId}`,
    create(orderId, data, { causedBy, id = randomUUID(), time = new Date() } = {}) {
      return {
        specversion: "1.0",
        id,
        source: `/checkout/${publisher}`,
        type,
        time: time.toISOString(),
        subject: orderId,
        datacontenttype: "application/json",
        ...(causedBy ? { causationid: causedBy.id } : {}),
        data: parseData(schema, data, type) as Data,
      };
    },
    parse(raw) {
      const envelope = Envelope.safeParse(raw);
      if (!envelope.success) throw new ContractError(`not a CloudEvent: ${z.prettifyError(envelope.error)}`, envelope.error.issues);
      const read = byType.get(envelope.data.type);
      if (!read) throw new ContractError(`${envelope.data.type} is not a version of ${name} this consumer accepts (${[...byType.keys()].join(", ")})`);
      return { ...envelope.data, type: envelope.data.type, data: read(envelope.data.data) };
    },
  };
}

function parseData(schema: z.ZodType, data: unknown, type: string): unknown {
  const result = schema.safeParse(data);
  if (!result.success) throw new ContractError(`${type}: ${z.prettifyError(result.error)}`, result.error.issues);
  return result.data;
}
