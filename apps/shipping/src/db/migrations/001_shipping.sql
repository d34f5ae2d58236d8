-- One row per order that shipping has seen. The order id is the key, so whatever the order of arrival
-- and however many copies of an event come in, an order gets at most one shipment:
--   created    the carrier issued a label (shipment_id, carrier, tracking_number, estimated_delivery)
--   failed     the carrier refused (failure_reason, failure_detail); nothing to undo
--   cancelled  the label was voided, or a tombstone: the order was cancelled before it was confirmed here
--              (shipment_id is then null), so a late OrderConfirmed ships nothing
CREATE TABLE shipments (
  order_id           uuid PRIMARY KEY,
  shipment_id        text UNIQUE,
  carrier            text,
  tracking_number    text,
  status             text NOT NULL CHECK (status IN ('created', 'failed', 'cancelled')),
  estimated_delivery date,
  failure_reason     text CHECK (failure_reason IN ('address_not_served', 'carrier_error')),
  failure_detail     text,
  address            jsonb,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CHECK (status <> 'created' OR (shipment_id IS NOT NULL AND carrier IS NOT NULL AND tracking_number IS NOT NULL AND estimated_delivery IS NOT NULL)),
  CHECK (status <> 'failed' OR failure_reason IS NOT NULL)
);
