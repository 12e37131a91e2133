-- The CLI's audit of dead-letter replays (photobomb-ops dlq replay): who re-published which dead letter, when, and
-- where it went. A dead letter is known by its ce_id (the core dead-letters a failing replay again, under a new
-- offset), or by its DLQ offset when it has none; the CLI replays one twice only when asked to (again).
CREATE TABLE dead_letter_replays (
    replay_id        bigserial   PRIMARY KEY,
    dlq_topic        text        NOT NULL,
    dlq_partition    integer     NOT NULL,
    dlq_offset       bigint      NOT NULL,
    ce_id            text,
    ce_type          text,
    original_topic   text        NOT NULL,
    replay_partition integer     NOT NULL,
    replay_offset    bigint      NOT NULL,
    operator         text        NOT NULL,
    again            boolean     NOT NULL DEFAULT false,
    replayed_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dead_letter_replays_ce_id_idx ON dead_letter_replays (dlq_topic, ce_id);
CREATE INDEX dead_letter_replays_offset_idx ON dead_letter_replays (dlq_topic, dlq_partition, dlq_offset);
