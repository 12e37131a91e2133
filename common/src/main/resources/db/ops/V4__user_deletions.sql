-- The deletion-service's state: one row per account whose deletion was asked for.
CREATE TABLE user_deletions (
    user_id           uuid PRIMARY KEY,
    status            text NOT NULL CHECK (status IN ('scheduled', 'restored', 'deleting_objects', 'deleted')),
    requested_by      text NOT NULL,
    reason            text,
    forced            boolean NOT NULL DEFAULT false,
    requested_at      timestamptz NOT NULL,
    soft_deleted_at   timestamptz NOT NULL,
    hard_delete_after timestamptz NOT NULL,
    correlation_id    text,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_deletions_due_idx ON user_deletions (hard_delete_after) WHERE status = 'scheduled';

ALTER TABLE user_deletions
    ADD COLUMN rows_deleted    jsonb,
    ADD COLUMN objects_deleted bigint NOT NULL DEFAULT 0,
    ADD COLUMN bytes_freed     bigint NOT NULL DEFAULT 0,
    ADD COLUMN completed_at    timestamptz;

-- Stored objects of a hard-deleted user, written in the transaction that deleted the rows that named them,
-- and deleted from the store afterwards: every version of the key, whatever the database knew of them.
CREATE TABLE deletion_tasks (
    task_id     bigserial PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES user_deletions (user_id),
    -- 'object': every version of one key; 'prefix': find every key under it (what the database forgot)
    kind        text NOT NULL DEFAULT 'object' CHECK (kind IN ('object', 'prefix')),
    bucket      text NOT NULL,
    object_key  text NOT NULL,
    size_bytes  bigint NOT NULL DEFAULT 0,
    status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done')),
    attempts    integer NOT NULL DEFAULT 0,
    last_error  text,
    UNIQUE (user_id, bucket, object_key)
);
CREATE INDEX deletion_tasks_pending_idx ON deletion_tasks (user_id) WHERE status = 'pending';
