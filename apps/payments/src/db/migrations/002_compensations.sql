-- Capture, void and refund run through the same worker as authorization. `cancel_requested` remembers
-- a cancellation that arrived while a provider call was in flight; `parked` holds a step that the
-- provider refuses for good, kept visible (and dead-lettered) for an operator instead of dropped.
ALTER TABLE payments ADD COLUMN cancel_requested boolean NOT NULL DEFAULT false;
ALTER TABLE payments ADD COLUMN cancel_reason text;
ALTER TABLE payments ADD COLUMN captured_amount integer;
ALTER TABLE payments ADD COLUMN refund_id text;
ALTER TABLE payments DROP CONSTRAINT payments_status_check;
ALTER TABLE payments ADD CONSTRAINT payments_status_check CHECK (status IN (
  'waiting', 'authorizing', 'authorized', 'failed', 'cancelled',
  'capturing', 'captured', 'voiding', 'voided', 'refunding', 'refunded', 'parked'));
