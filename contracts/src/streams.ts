/** One stream per publishing service; the order id is the last subject token (ARCHITECTURE §4). */
export const Streams = {
  ORDERS: { name: "ORDERS", prefix: "orders", publisher: "orders" },
  INVENTORY: { name: "INVENTORY", prefix: "inventory", publisher: "inventory" },
  PAYMENTS: { name: "PAYMENTS", prefix: "payments", publisher: "payments" },
  SHIPPING: { name: "SHIPPING", prefix: "shipping", publisher: "shipping" },
} as const;

export type StreamName = keyof typeof Streams;

/** Dead letters: `dlq.<stream>.<consumer>`, one stream for all. */
export const DeadLetters = { name: "DLQ", prefix: "dlq" } as const;
export const deadLetterSubject = (stream: string, consumer: string) => `dlq.${stream}.${consumer}`;

export const Buckets = { idempotency: "idempotency", reservations: "reservations" } as const;
