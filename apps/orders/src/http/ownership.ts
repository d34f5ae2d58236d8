import type { AuthUser } from "@checkout/http";

// Who may see and change what. A cart or an order belongs to the user who created it; to anyone else
// it answers 404 as if it did not exist (a 403 would tell that it does). Admins may read any order;
// changing one (cancel) stays with its shopper.

/** GET /orders/:id and its event stream */
export const canRead = (user: AuthUser, ownerId: string | null) => user.role === "admin" || (ownerId !== null && ownerId === user.id);

/** POST /orders/:id/cancel, and everything on carts */
export const owns = (user: AuthUser, ownerId: string | null) => ownerId !== null && ownerId === user.id;
