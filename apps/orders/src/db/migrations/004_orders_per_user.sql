-- An Idempotency-Key belongs to the user who sent it: two users may use the same key without clashing,
-- and one user's key never answers with another user's order. Orders are looked up by their user.
ALTER TABLE orders DROP CONSTRAINT orders_idempotency_key_key;
CREATE UNIQUE INDEX orders_user_idempotency_key ON orders (user_id, idempotency_key);
