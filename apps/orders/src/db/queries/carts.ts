import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { luaCommand } from "../redis-script.ts";

// Carts live in Redis, one hash per cart: `<prefix>cart:<id>` with a field per sku holding the
// quantity, plus a "@created" marker so an empty cart exists too and "@owner", the user who created
// it. Every write refreshes the expiry, so a cart lives `ttlSeconds` after its last change. Every
// operation is one Lua script: the owner check, the limits and the change happen atomically, so
// parallel adds never lose one, and a read sees the lines and the expiry of the same moment. A cart of
// another user is, to every method, a cart that does not exist.

export interface CartItem {
  sku: string;
  qty: number;
}

export interface StoredCart {
  items: CartItem[];
  /** milliseconds until the cart expires */
  ttlMs: number;
}

export type AddOutcome = { ok: true; qty: number } | { ok: false; reason: "missing" | "too_many_lines" } | { ok: false; reason: "qty_exceeded"; current: number };
export type SetOutcome = { ok: true } | { ok: false; reason: "missing" | "no_line" };

const CREATED = "@created";
const OWNER = "@owner";
/** the fields of the hash that are not lines */
const META_FIELDS = 2;

// KEYS[1] cart; ARGV: createdAt, owner, ttlMs
const CREATE = `
redis.call('HSET', KEYS[1], '${CREATED}', ARGV[1], '${OWNER}', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])`;

// KEYS[1] cart → {the hash as field, value, field, value…; milliseconds to live (-2: no such cart)}
const READ = `return {redis.call('HGETALL', KEYS[1]), redis.call('PTTL', KEYS[1])}`;

// KEYS[1] cart; ARGV: sku, qty, maxQty, maxLines, ttlMs, owner → {qty} | {-1} missing | {-2} too many lines | {-3, current}
const ADD = `
if redis.call('HGET', KEYS[1], '${OWNER}') ~= ARGV[6] then return {-1} end
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if current == 0 and redis.call('HLEN', KEYS[1]) - ${META_FIELDS} >= tonumber(ARGV[4]) then return {-2} end
local next = current + tonumber(ARGV[2])
if next > tonumber(ARGV[3]) then return {-3, current} end
redis.call('HSET', KEYS[1], ARGV[1], next)
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {next}`;

// KEYS[1] cart; ARGV: sku, qty, ttlMs, owner → 1 | -1 missing | -2 no such line
const SET = `
if redis.call('HGET', KEYS[1], '${OWNER}') ~= ARGV[4] then return -1 end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return -2 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

// KEYS[1] cart; ARGV: sku, ttlMs, owner → 1 | -1 missing
const REMOVE = `
if redis.call('HGET', KEYS[1], '${OWNER}') ~= ARGV[3] then return -1 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

// KEYS[1] cart; ARGV: owner → 1 deleted | 0 missing
const DROP = `
if redis.call('HGET', KEYS[1], '${OWNER}') ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`;

/** Every method takes the user asking (`owner`): another user's cart is a missing one. */
export interface CartStore {
  create(owner: string, now: Date): Promise<string>;
  read(cartId: string, owner: string): Promise<StoredCart | undefined>;
  add(cartId: string, owner: string, sku: string, qty: number, limits: { maxQty: number; maxLines: number }): Promise<AddOutcome>;
  setQty(cartId: string, owner: string, sku: string, qty: number): Promise<SetOutcome>;
  remove(cartId: string, owner: string, sku: string): Promise<boolean>;
  drop(cartId: string, owner: string): Promise<boolean>;
}

export function createCartStore({ redis, prefix, ttlSeconds }: { redis: Redis; prefix: string; ttlSeconds: number }): CartStore {
  const key = (cartId: string) => `${prefix}cart:${cartId}`;
  const ttlMs = String(ttlSeconds * 1000);
  const scripts = {
    create: luaCommand<null>(redis, "cartCreate", CREATE),
    read: luaCommand<[string[], number]>(redis, "cartRead", READ),
    add: luaCommand<[number, number?]>(redis, "cartAdd", ADD),
    set: luaCommand<number>(redis, "cartSet", SET),
    remove: luaCommand<number>(redis, "cartRemove", REMOVE),
    drop: luaCommand<number>(redis, "cartDrop", DROP),
  };

  return {
    async create(owner, now) {
      const cartId = randomUUID();
      await scripts.create(key(cartId), now.toISOString(), owner, ttlMs);
      return cartId;
    },

    async read(cartId, owner) {
      const [fields, pttl] = await scripts.read(key(cartId));
      const hash = new Map<string, string>();
      for (let i = 0; i < fields.length; i += 2) hash.set(fields[i]!, fields[i + 1]!);
      if (hash.get(OWNER) !== owner) return undefined;
      const items = [...hash]
        .filter(([field]) => field !== CREATED && field !== OWNER)
        .map(([sku, qty]) => ({ sku, qty: Number(qty) }))
        .sort((a, b) => a.sku.localeCompare(b.sku));
      return { items, ttlMs: Math.max(pttl, 0) };
    },

    async add(cartId, owner, sku, qty, { maxQty, maxLines }) {
      const [code, current] = await scripts.add(key(cartId), sku, qty, maxQty, maxLines, ttlMs, owner);
      if (code === -1) return { ok: false, reason: "missing" };
      if (code === -2) return { ok: false, reason: "too_many_lines" };
      if (code === -3) return { ok: false, reason: "qty_exceeded", current: current ?? 0 };
      return { ok: true, qty: code };
    },

    async setQty(cartId, owner, sku, qty) {
      const code = await scripts.set(key(cartId), sku, qty, ttlMs, owner);
      if (code === -1) return { ok: false, reason: "missing" };
      if (code === -2) return { ok: false, reason: "no_line" };
      return { ok: true };
    },

    async remove(cartId, owner, sku) {
      return (await scripts.remove(key(cartId), sku, ttlMs, owner)) === 1;
    },

    async drop(cartId, owner) {
      return (await scripts.drop(key(cartId), owner)) === 1;
    },
  };
}
