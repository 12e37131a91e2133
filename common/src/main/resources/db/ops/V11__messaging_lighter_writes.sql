-- Lighter writes on the handler path (issue 14; the messaging benchmark's profile).
-- The relay publishes the outbox's inserts only (the publication becomes insert-only in R__ops_privileges.sql):
-- PostgreSQL no longer decodes and sends the delete that follows each insert, and deletes need no replica identity.
-- No primary key or index at all: the outbox deletes its rows by the ctids its insert returned (Outbox), and
-- without a key Debezium's record key is null, so it no longer builds the key's text for its "last event" metric
-- on every event (a sixth of its streaming thread). The created_at index was never read.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_publication WHERE pubname = 'photobomb_outbox') THEN
    ALTER PUBLICATION photobomb_outbox SET (publish = 'insert');
  END IF;
END
$$;
ALTER TABLE outbox DROP CONSTRAINT outbox_pkey;
DROP INDEX outbox_created_at_idx;

-- The inbox's expiry reads handled_at ranges once an hour; rows come in handled_at order, so a BRIN index finds
-- them at a fraction of a btree's cost on every insert (the inbox insert was the handler path's longest statement).
CREATE INDEX inbox_handled_at_brin ON inbox USING brin (handled_at);
DROP INDEX inbox_handled_at_idx;
