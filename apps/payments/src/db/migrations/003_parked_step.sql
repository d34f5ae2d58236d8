-- The step a parked payment was in (capturing, voiding or refunding), so that an operator's retry
-- (POST /admin/payments/:orderId/retry) hands exactly that step back to the worker. A row parked before
-- this column existed has none; its step is in its dead letter's body (`step`).
ALTER TABLE payments ADD COLUMN parked_step text CHECK (parked_step IN ('capturing', 'voiding', 'refunding'));
