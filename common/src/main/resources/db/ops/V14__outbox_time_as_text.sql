-- ce_time as text (issue 14; the messaging benchmark's profile): the relay published created_at, a timestamptz, as
-- the ce_time header, so Debezium parsed and formatted a time per event (a tenth of its streaming thread). The
-- outbox writer now formats the time once per batch, as RFC 3339 in UTC with microseconds (the text Debezium made
-- of created_at: 2026-12-02T19:39:20.123456Z), and the relay copies the column into the header as it is.
-- The default gives a writer that names no time the same text of now(), one time per transaction, as before.
-- The outbox holds no rows between transactions (they are deleted in the inserting one), so nothing is converted.
-- Deploy with the Kafka Connect connector's new configuration (ce_time:header:ce_time; the old one names
-- created_at, which no longer exists) and stop writers of the old version first: their inserts name created_at
-- and fail (rolled back, so nothing is half-published).
ALTER TABLE outbox DROP COLUMN created_at;
ALTER TABLE outbox ADD COLUMN ce_time text NOT NULL
    DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
