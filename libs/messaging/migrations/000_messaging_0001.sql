-- Outbox: events written in the same transaction as the business change; the relay publishes them
-- to JetStream with Nats-Msg-Id = event_id and deletes each row once the server has acknowledged it.
CREATE TABLE outbox (
  id          bigserial PRIMARY KEY,
  event_id    text        NOT NULL,
  subject     text        NOT NULL,
  payload     text        NOT NULL,
  traceparent text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Inbox: one row per (consumer, event) handled, written in the handler's transaction.
CREATE TABLE inbox (
  consumer   text        NOT NULL,
  event_id   text        NOT NULL,
  stream_seq bigint,
  handled_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
CREATE INDEX inbox_handled_at ON inbox (handled_at);
