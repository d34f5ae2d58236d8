-- Stock per SKU. `reserved` is held by live reservations; what can be sold is on_hand - reserved.
-- The CHECKs are the last line of defence against oversell: no code path can commit a negative.
CREATE TABLE stock (
  sku        text PRIMARY KEY,
  on_hand    integer NOT NULL CHECK (on_hand >= 0),
  reserved   integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (reserved <= on_hand)
);

-- One row per order that inventory has seen: the hold and what became of it.
CREATE TABLE reservations (
  id             text PRIMARY KEY,
  order_id       uuid NOT NULL UNIQUE,
  status         text NOT NULL CHECK (status IN ('held', 'committed', 'released', 'rejected', 'cancelled')),
  lines          jsonb NOT NULL,
  expires_at     timestamptz,
  release_reason text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reservations_held_expiry ON reservations (expires_at) WHERE status = 'held';
