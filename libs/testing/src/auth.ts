import { signToken, type Role } from "@checkout/http";

/**
 * The AUTH_JWT_SECRET of the services the tests start (startSystem, useParticipant, the orders harness):
 * tests sign their bearer tokens with it.
 */
export const TEST_JWT_SECRET = "test-only-checkout-jwt-secret-0123456789abcdef";

/** A bearer token for `sub`, signed with TEST_JWT_SECRET (or `secret`). */
export const tokenFor = (sub: string, { role = "shopper", ttlSeconds = 3600, secret = TEST_JWT_SECRET }: { role?: Role; ttlSeconds?: number; secret?: string } = {}) =>
  signToken({ sub, role, ttlSeconds }, secret);

/** `{ authorization: "Bearer …" }` for `sub`. */
export const authHeaders = async (sub: string, options?: Parameters<typeof tokenFor>[1]) => ({ authorization: `Bearer ${await tokenFor(sub, options)}` });

/** The headers of an admin (the operator who sets stock, reads any order, replays dead letters). */
export const adminHeaders = (options: Omit<NonNullable<Parameters<typeof tokenFor>[1]>, "role"> = {}) => authHeaders("test-admin", { ...options, role: "admin" });
