-- The catalog: prices in integer minor units.
CREATE TABLE products (
  sku          text PRIMARY KEY,
  name         text    NOT NULL,
  price_minor  integer NOT NULL CHECK (price_minor >= 0),
  currency     text    NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  weight_grams integer NOT NULL DEFAULT 0 CHECK (weight_grams >= 0),
  active       boolean NOT NULL DEFAULT true
);

CREATE TABLE promo_codes (
  code         text PRIMARY KEY,
  kind         text    NOT NULL CHECK (kind IN ('percent', 'fixed')),
  -- percent: 1..100; fixed: minor units of `currency`
  value        integer NOT NULL CHECK (value > 0),
  currency     text    CHECK (currency ~ '^[A-Z]{3}$'),
  min_subtotal integer NOT NULL DEFAULT 0 CHECK (min_subtotal >= 0),
  expires_at   timestamptz,
  active       boolean NOT NULL DEFAULT true,
  CHECK (kind <> 'percent' OR value <= 100),
  CHECK (kind <> 'fixed' OR currency IS NOT NULL)
);

CREATE TABLE orders (
  id                uuid PRIMARY KEY,
  status            text NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'CANCELLING', 'CANCELLED', 'COMPLETED')),
  cancel_reason     text,
  cancel_detail     text,
  user_id           text,
  customer_email    text NOT NULL,
  lines             jsonb NOT NULL,
  pricing           jsonb NOT NULL,
  shipping_address  jsonb NOT NULL,
  payment_method    text NOT NULL,
  payment_intent_id text,
  reservation_id    text,
  -- the Idempotency-Key the order was placed with: the database-level guard against a second order
  idempotency_key   text UNIQUE,
  request_hash      text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_status_created ON orders (status, created_at);

-- The timeline of an order: every fact received or emitted about it, once each.
CREATE TABLE order_timeline (
  order_id uuid NOT NULL REFERENCES orders (id),
  event_id text NOT NULL,
  type     text NOT NULL,
  source   text NOT NULL,
  at       timestamptz NOT NULL,
  detail   jsonb,
  PRIMARY KEY (order_id, event_id)
);
CREATE INDEX order_timeline_order_at ON order_timeline (order_id, at);
