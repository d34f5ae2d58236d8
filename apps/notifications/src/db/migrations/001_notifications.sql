-- One row per mail a shopper is due to get: written by the handler, in the same transaction as the
-- inbox record, and sent afterwards by the mail worker. UNIQUE (order_id, kind) makes a redelivered
-- event, or a copy of it under another event id, find the row already there: one mail, not two.
CREATE TABLE outgoing_mail (
  id                   bigserial PRIMARY KEY,
  order_id             uuid        NOT NULL,
  kind                 text        NOT NULL CHECK (kind IN ('confirmed', 'cancelled', 'shipped')),
  -- the stable Message-ID header `<orderId.kind@checkout>`, the same on every attempt
  message_id           text        NOT NULL UNIQUE,
  -- the event that asked for the mail (the first one, if copies came)
  event_id             text        NOT NULL,
  to_address           text        NOT NULL,
  subject              text        NOT NULL,
  text_body            text        NOT NULL,
  html_body            text,
  status               text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts             integer     NOT NULL DEFAULT 0,
  next_attempt_at      timestamptz NOT NULL DEFAULT now(),
  -- a worker that claimed the row owns it until then; a crashed worker's row is taken over afterwards
  lease_until          timestamptz,
  last_error           text,
  transport_message_id text,
  sent_at              timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (order_id, kind)
);
CREATE INDEX outgoing_mail_due ON outgoing_mail (next_attempt_at) WHERE status = 'pending';

-- The local mailbox (MAIL_TRANSPORT=mailbox): what the shopper would have received, readable through
-- GET /api/mailbox. Delivery is idempotent by message_id, so a resent mail is stored once.
CREATE TABLE mailbox (
  id           bigserial PRIMARY KEY,
  message_id   text        NOT NULL UNIQUE,
  order_id     uuid        NOT NULL,
  kind         text        NOT NULL,
  from_address text        NOT NULL,
  to_address   text        NOT NULL,
  subject      text        NOT NULL,
  text_body    text        NOT NULL,
  html_body    text,
  sent_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mailbox_to ON mailbox (lower(to_address), id DESC);
CREATE INDEX mailbox_order ON mailbox (order_id, id DESC);
