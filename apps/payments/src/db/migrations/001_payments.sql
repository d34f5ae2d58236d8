-- One row per order. The two facts payments needs arrive in either order: OrderPlaced brings the
-- amount and the payment method, InventoryReserved the reservation and its deadline. When both are
-- here the row becomes `authorizing` and the payment worker calls the provider, outside any handler
-- transaction, with the idempotency key `<orderId>:authorize`.
CREATE TABLE payments (
  order_id               uuid PRIMARY KEY,
  amount                 integer CHECK (amount >= 0),
  currency               text,
  payment_method         text,
  reservation_id         text,
  reservation_expires_at timestamptz,
  status                 text NOT NULL DEFAULT 'waiting'
                         CHECK (status IN ('waiting', 'authorizing', 'authorized', 'failed', 'cancelled',
                                           'capturing', 'captured', 'voiding', 'voided', 'refunding', 'refunded')),
  payment_intent_id      text,
  failure_reason         text,
  decline_code           text,
  failure_message        text,
  attempts               integer NOT NULL DEFAULT 0,
  next_attempt_at        timestamptz,
  lease_until            timestamptz,
  last_error             text,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_due ON payments (next_attempt_at) WHERE status IN ('authorizing', 'capturing', 'voiding', 'refunding');
