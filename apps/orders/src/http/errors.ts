import { HttpError, UnprocessableError } from "@checkout/http";

// The refusals of the orders API, each with a stable `code` and the request field it is about;
// the shared onError turns them into problem+json.

export class CartNotFound extends HttpError {
  constructor(cartId: string) {
    super(404, "cart_not_found", `cart ${cartId} does not exist or has expired`, [{ field: "cartId", message: "no such cart (it may have expired)" }]);
  }
}

export class EmptyCart extends UnprocessableError {
  constructor(cartId: string) {
    super("cart_empty", `cart ${cartId} has nothing in it that can be bought`, [{ field: "cartId", message: "the cart is empty" }]);
  }
}

export class ProductNotFound extends HttpError {
  constructor(sku: string) {
    super(404, "product_not_found", `product ${sku} does not exist`, [{ field: "sku", message: "no such product" }]);
  }
}

export class ProductNotSold extends UnprocessableError {
  constructor(sku: string) {
    super("unknown_sku", `product ${sku} does not exist or is no longer sold`, [{ field: "sku", message: "no such product for sale" }]);
  }
}

export class LineNotInCart extends HttpError {
  constructor(sku: string) {
    super(404, "line_not_found", `the cart has no line for ${sku}`, [{ field: "sku", message: "not in the cart" }]);
  }
}

export class LineQuantityExceeded extends UnprocessableError {
  constructor(sku: string, current: number, max: number) {
    const message = `the cart already holds ${current} of ${sku}; a line holds at most ${max}`;
    super("line_quantity_exceeded", message, [{ field: "qty", message: `would exceed ${max}` }]);
  }
}

export class TooManyLines extends UnprocessableError {
  constructor(max: number) {
    super("cart_too_many_lines", `a cart holds at most ${max} different products`, [{ field: "sku", message: `the cart already has ${max} lines` }]);
  }
}

export class OrderNotFound extends HttpError {
  constructor(orderId: string) {
    super(404, "order_not_found", `order ${orderId} does not exist`, [{ field: "orderId", message: "no such order" }]);
  }
}

export class IdempotencyKeyReused extends UnprocessableError {
  constructor() {
    const message = "this Idempotency-Key was used with a different request body; use a new key for a new request";
    super("idempotency_key_reused", message, [{ field: "Idempotency-Key", message: "already used with another body" }]);
  }
}

export class IdempotencyInProgress extends HttpError {
  constructor() {
    super(409, "idempotency_in_progress", "a request with this Idempotency-Key is still being processed; retry shortly", [
      { field: "Idempotency-Key", message: "a request with this key is in progress" },
    ], { "Retry-After": "1" });
  }
}

export class CartAlreadyOrdered extends HttpError {
  constructor(cartId: string) {
    super(409, "cart_already_ordered", `cart ${cartId} has already become an order`, [{ field: "cartId", message: "already checked out" }]);
  }
}
