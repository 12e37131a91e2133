-- ce_time as text (issue 14; the messaging benchmark's profile): the relay published created_at, a timestamptz, as
-- the ce_time header, so Debezium parsed and formatted a time per event (a tenth of its streaming thread). The
-- outbox writer now formats the time once per batch, as RFC 3339 in UTC with microseconds (the text Debezium made
-- of created_at: 2026-12-02T19:39:20.123456Z), and the relay copies the column into the header as it is.
-- The default gives a writer that names no time the same text of now(), one time per transaction.
-- Expand now, contract later: during a rolling deployment the writers of the previous release still insert
-- created_at and no ce_time (the default fills it, from the same transaction's now()), so created_at stays, filled
-- by its own default for the new writers, until a later release drops it once no old writer is left. Until then
-- Debezium still decodes the column (the relay no longer publishes it).
ALTER TABLE outbox ADD COLUMN ce_time text NOT NULL
    DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
