import { randomUUID } from "node:crypto";
import { OrderPlaced, sampleEnvelopes } from "@checkout/contracts";
import type { Sql } from "@checkout/db";

/** For tests: an order the orders service has accepted (the PENDING row its checkout writes), placed by `userId`. */
export async function givenPendingOrder(sql: Sql, { userId = null }: { userId?: string | null } = {}): Promise<string> {
  const orderId = randomUUID();
  const { data } = OrderPlaced.parse(sampleEnvelopes(OrderPlaced, orderId)[0]);
  await sql`
    INSERT INTO orders (id, user_id, status, customer_email, lines, pricing, shipping_address, payment_method)
    VALUES (${orderId}, ${userId}, 'PENDING', ${data.customer.email}, ${sql.json(data.lines as never)}, ${sql.json(data.pricing as never)},
            ${sql.json(data.shippingAddress as never)}, ${data.paymentMethod})`;
  return orderId;
}
