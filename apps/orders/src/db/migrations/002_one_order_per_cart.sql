-- A cart becomes at most one order, even when two checkouts of it race with different Idempotency-Keys.
ALTER TABLE orders ADD COLUMN cart_id uuid;
CREATE UNIQUE INDEX orders_cart_id ON orders (cart_id);
