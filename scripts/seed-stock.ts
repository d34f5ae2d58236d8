// Demo stock: puts `units` on hand (PUT /api/stock/:sku on inventory) for every SKU of the catalog
// (CATALOG_SKUS) that has no stock yet; a SKU that has some, even 0, is left alone. Used by
// scripts/dev.ts, and on its own (compose.yaml runs it once inventory is healthy). Setting stock is an
// admin's: the PUT carries an admin token signed with AUTH_JWT_SECRET (the services' development
// secret when unset, outside production).
//
//   INVENTORY_URL=http://127.0.0.1:3001 SEED_UNITS=100 node --import tsx scripts/seed-stock.ts
import { pathToFileURL } from "node:url";
import { baseConfig, loadConfig } from "@checkout/config";
import { signToken } from "@checkout/http";
import { CATALOG_SKUS } from "../apps/orders/src/seed/catalog.ts";

export async function seedStock({
  inventoryUrl,
  units = 100,
  skus = CATALOG_SKUS,
  authSecret = loadConfig(baseConfig.pick({ NODE_ENV: true, AUTH_JWT_SECRET: true })).AUTH_JWT_SECRET,
}: {
  inventoryUrl: string;
  units?: number;
  skus?: readonly string[];
  authSecret?: string;
}): Promise<string[]> {
  const authorization = `Bearer ${await signToken({ sub: "seed-stock", role: "admin", ttlSeconds: 300 }, authSecret)}`;
  const seeded: string[] = [];
  for (const sku of skus) {
    const url = `${inventoryUrl.replace(/\/+$/, "")}/api/stock/${encodeURIComponent(sku)}`;
    const current = await fetch(url);
    await current.body?.cancel();
    if (current.ok) continue;
    if (current.status !== 404) throw new Error(`GET ${url}: ${current.status}`);
    const put = await fetch(url, { method: "PUT", headers: { "content-type": "application/json", authorization }, body: JSON.stringify({ onHand: units }) });
    if (!put.ok) throw new Error(`PUT ${url}: ${put.status} ${await put.text()}`);
    seeded.push(sku);
  }
  return seeded;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const inventoryUrl = process.env.INVENTORY_URL || "http://127.0.0.1:3001";
  const units = Number(process.env.SEED_UNITS || 100);
  const seeded = await seedStock({ inventoryUrl, units });
  console.log(seeded.length ? `stock: ${units} units put on hand for ${seeded.join(", ")}` : `stock: all ${CATALOG_SKUS.length} catalog SKUs already have stock`);
}
