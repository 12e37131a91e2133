-- Deletion hardening: accounts that cannot proceed move out of the way with a reason; the latest cancel of each
-- user is kept so that an older request handled after it cannot win; the object phase deletes listed versions,
-- claims tasks across replicas and backs off failing ones per task.

ALTER TABLE user_deletions DROP CONSTRAINT user_deletions_status_check;
ALTER TABLE user_deletions ADD CONSTRAINT user_deletions_status_check
    CHECK (status IN ('scheduled', 'restored', 'deleting_objects', 'deleted', 'failed'));
ALTER TABLE user_deletions ADD COLUMN failure_reason text;

-- The newest withdrawal of each user's deletion, by the cancel's own time (its ce_time), handled or not.
CREATE TABLE user_deletion_cancels (
    user_id      uuid PRIMARY KEY,
    cancelled_at timestamptz NOT NULL,
    requested_by text NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- 'prefix' and 'object' tasks are listings (every version under a prefix, or of one key); each version they find
-- becomes a 'version' task, deleted with one call. 'removed' says whether that call removed it (false: already gone).
ALTER TABLE deletion_tasks DROP CONSTRAINT deletion_tasks_kind_check;
ALTER TABLE deletion_tasks ADD CONSTRAINT deletion_tasks_kind_check CHECK (kind IN ('object', 'prefix', 'version'));
ALTER TABLE deletion_tasks ADD COLUMN version_id text NOT NULL DEFAULT '';
ALTER TABLE deletion_tasks DROP CONSTRAINT deletion_tasks_user_id_bucket_object_key_key;
ALTER TABLE deletion_tasks ADD CONSTRAINT deletion_tasks_identity UNIQUE (user_id, kind, bucket, object_key, version_id);
ALTER TABLE deletion_tasks ADD COLUMN removed boolean;
ALTER TABLE deletion_tasks ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();
-- a replica works on a task until then; after it (a crash), another replica takes the task over
ALTER TABLE deletion_tasks ADD COLUMN claimed_until timestamptz;
CREATE INDEX deletion_tasks_due_idx ON deletion_tasks (next_attempt_at, task_id) WHERE status = 'pending';
