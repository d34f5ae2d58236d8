-- The facts orders has seen about each order (a set: order-independent and idempotent), and a version
-- that moves with every change of status, kept as a history for Server-Sent Events resume.
ALTER TABLE orders ADD COLUMN facts text[] NOT NULL DEFAULT '{}';
ALTER TABLE orders ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE orders ADD COLUMN tracking jsonb;

CREATE TABLE order_status_history (
  order_id      uuid NOT NULL REFERENCES orders (id),
  version       integer NOT NULL,
  status        text NOT NULL,
  cancel_reason text,
  at            timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, version)
);

-- Every status change, whatever code path makes it, bumps the version, is recorded and is announced
-- (NOTIFY is delivered on commit) to the processes serving /api/orders/:id/events.
CREATE FUNCTION order_status_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.status IS NOT DISTINCT FROM OLD.status AND NEW.cancel_reason IS NOT DISTINCT FROM OLD.cancel_reason THEN
      RETURN NEW;
    END IF;
    NEW.version := OLD.version + 1;
  END IF;
  INSERT INTO order_status_history (order_id, version, status, cancel_reason) VALUES (NEW.id, NEW.version, NEW.status, NEW.cancel_reason);
  PERFORM pg_notify('checkout_order_status', NEW.id::text);
  RETURN NEW;
END $$;

CREATE TRIGGER order_status_update BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION order_status_changed();
CREATE TRIGGER order_status_insert AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION order_status_changed();
