import { z } from "zod";
import type { Logger } from "@checkout/log";

const StockAnswer = z.object({ sku: z.string(), available: z.number().int().nonnegative() });

/** Units available now, 0 for a sku inventory does not know, null when inventory cannot say. */
export type StockLookup = (sku: string) => Promise<number | null>;

/**
 * Asks the inventory service (GET {baseUrl}/api/stock/:sku) with a short timeout: a product page must
 * not wait on inventory, so a slow, failing or unreachable service gives `null`, never an error.
 * `notFound` is the answer to a 404: 0 for a product page (a SKU inventory does not stock), null where a
 * 404 can only mean a wrong INVENTORY_URL or route (the sold-out hint asks only of SKUs inventory rejected).
 */
export function createStockClient({ baseUrl, log, timeoutMs = 300, notFound = 0 }: { baseUrl: string; log: Logger; timeoutMs?: number; notFound?: 0 | null }): StockLookup {
  const base = baseUrl.replace(/\/+$/, "");
  return async function availableStock(sku) {
    try {
      const response = await fetch(`${base}/api/stock/${encodeURIComponent(sku)}`, {
        signal: AbortSignal.timeout(timeoutMs),
        headers: { accept: "application/json" },
      });
      if (response.status === 404) {
        await response.body?.cancel();
        if (notFound === null) log.warn({ sku }, "inventory answered 404; stock unknown");
        return notFound;
      }
      if (!response.ok) {
        await response.body?.cancel();
        log.warn({ sku, status: response.status }, "inventory answered with an error; stock unknown");
        return null;
      }
      const answer = StockAnswer.safeParse(await response.json());
      if (!answer.success) {
        log.warn({ sku }, "inventory answered with an unexpected body; stock unknown");
        return null;
      }
      return answer.data.available;
    } catch (error) {
      log.warn({ sku, err: (error as Error).message }, "inventory unreachable; stock unknown");
      return null;
    }
  };
}
