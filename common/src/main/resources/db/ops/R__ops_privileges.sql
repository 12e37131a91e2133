-- Who may do what on the ops tables, and what the relay reads. The migrator owns these tables, so it grants here;
-- the roles come from deploy/database/roles.sql, which must have run first. Flyway runs this file again whenever it
-- changes: a migration that adds an ops table adds its grants here (DatabasePrivilegesTest fails until it does).
-- Declarative: every run revokes first and grants exactly what follows.

REVOKE ALL ON outbox, inbox, storage_retry, user_deletions, user_deletion_cancels, deletion_tasks, exports,
    export_purges, reprocess_batches, cdn_purges, cdn_purge_calls, cdn_purge_targets, platform_operations,
    dead_letter_replays
    FROM photobomb_ops_relay, photobomb_ops_deletion, photobomb_ops_export, photobomb_ops_reprocess,
         photobomb_ops_scaling, photobomb_ops_cdn, photobomb_ops_platform, photobomb_ops_operator;
REVOKE ALL ON SEQUENCE storage_retry_retry_id_seq, deletion_tasks_task_id_seq, exports_seq_seq,
    cdn_purge_calls_call_id_seq, dead_letter_replays_replay_id_seq
    FROM photobomb_ops_deletion, photobomb_ops_export, photobomb_ops_reprocess, photobomb_ops_scaling,
         photobomb_ops_cdn, photobomb_ops_platform, photobomb_ops_operator;

-- The messaging core of every service: the inbox (insert, returning what was new; expiry deletes old rows) and the
-- outbox (rows are deleted again in their inserting transaction, by id).
GRANT SELECT, INSERT, DELETE ON inbox
    TO photobomb_ops_deletion, photobomb_ops_export, photobomb_ops_reprocess, photobomb_ops_scaling, photobomb_ops_cdn,
       photobomb_ops_platform;
-- Nothing updates inbox rows; one updatable column lets the expiry lock the rows it deletes (FOR UPDATE SKIP LOCKED).
GRANT UPDATE (handled_at) ON inbox
    TO photobomb_ops_deletion, photobomb_ops_export, photobomb_ops_reprocess, photobomb_ops_scaling, photobomb_ops_cdn,
       photobomb_ops_platform;
GRANT SELECT, INSERT, DELETE ON outbox
    TO photobomb_ops_deletion, photobomb_ops_export, photobomb_ops_reprocess, photobomb_ops_scaling, photobomb_ops_cdn,
       photobomb_ops_platform;

-- The relay reads the outbox (snapshot and logical decoding).
GRANT SELECT ON outbox TO photobomb_ops_relay;

-- object-storage's upload retry queue, in every service that writes objects.
GRANT SELECT, INSERT, UPDATE, DELETE ON storage_retry TO photobomb_ops_deletion, photobomb_ops_export;
GRANT USAGE ON SEQUENCE storage_retry_retry_id_seq TO photobomb_ops_deletion, photobomb_ops_export;

-- deletion-service: its schedule, the users' latest cancels and its object tasks.
GRANT SELECT, INSERT, UPDATE ON user_deletions, deletion_tasks TO photobomb_ops_deletion;
GRANT SELECT, INSERT, UPDATE, DELETE ON user_deletion_cancels TO photobomb_ops_deletion;
GRANT USAGE ON SEQUENCE deletion_tasks_task_id_seq TO photobomb_ops_deletion;

-- export-service: its exports and the archive prefixes to purge.
GRANT SELECT, INSERT, UPDATE ON exports TO photobomb_ops_export;
GRANT USAGE ON SEQUENCE exports_seq_seq TO photobomb_ops_export;
GRANT SELECT, INSERT, DELETE ON export_purges TO photobomb_ops_export;

-- reprocess-service: its batches (cursors, counts, the enqueuer's claim).
GRANT SELECT, INSERT, UPDATE ON reprocess_batches TO photobomb_ops_reprocess;

-- cdn-service: its purges, their targets and the Cloudflare calls.
GRANT SELECT, INSERT, UPDATE ON cdn_purges, cdn_purge_calls, cdn_purge_targets TO photobomb_ops_cdn;
GRANT USAGE ON SEQUENCE cdn_purge_calls_call_id_seq TO photobomb_ops_cdn;

-- platform-service: its sagas' state.
GRANT SELECT, INSERT, UPDATE ON platform_operations TO photobomb_ops_platform;

-- The operator's CLI (photobomb-ops): status reads the work in progress; dlq replay records each replay.
GRANT SELECT ON exports, user_deletions, reprocess_batches TO photobomb_ops_operator;
GRANT SELECT, INSERT ON dead_letter_replays TO photobomb_ops_operator;
GRANT USAGE ON SEQUENCE dead_letter_replays_replay_id_seq TO photobomb_ops_operator;

-- The publication the relay (Debezium's pgoutput) reads, created here because only a table's owner may publish it
-- (the relay runs with publication.autocreate.mode=disabled).
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_publication WHERE pubname = 'photobomb_outbox') THEN
    CREATE PUBLICATION photobomb_outbox WITH (publish = 'insert');
  END IF;
END
$$;
-- Inserts only: each event's delete in its own transaction is not sent to the relay (V11__messaging_lighter_writes.sql).
ALTER PUBLICATION photobomb_outbox SET (publish = 'insert');
ALTER PUBLICATION photobomb_outbox SET TABLE outbox;
