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
