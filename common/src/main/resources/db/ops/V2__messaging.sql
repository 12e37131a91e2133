-- The messaging core: transactional outbox (relayed by Debezium) and the idempotency inbox.

-- One row per event to publish. Column names are the Outbox Event Router's configuration
-- (outbox-relay.properties, deploy/kafka-connect/outbox-connector.json).
CREATE TABLE outbox (
    id             uuid PRIMARY KEY,
    topic          text NOT NULL,
    aggregate_id   text NOT NULL,
    type           text NOT NULL,
    source         text NOT NULL,
    payload        jsonb NOT NULL,
    correlation_id text,
    causation_id   text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    -- Constant headers live in columns so that Kafka Connect publishes them as text, exactly as written.
    spec_version   text NOT NULL DEFAULT '1.0',
    content_type   text NOT NULL DEFAULT 'application/json'
);
CREATE INDEX outbox_created_at_idx ON outbox (created_at);

-- Every message a consumer has handled, recorded in the same transaction as its effect.
CREATE TABLE inbox (
    consumer     text NOT NULL,
    message_id   text NOT NULL,
    message_type text NOT NULL,
    handled_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);
CREATE INDEX inbox_handled_at_idx ON inbox (handled_at);
