-- The export-service's state: one row per GDPR export asked for (exportId is the API's idempotency key).
-- No foreign key to users: the row outlives a hard-deleted account, to record that its archive was removed.
CREATE TABLE exports (
    export_id      uuid PRIMARY KEY,
    -- order of arrival: requests handled in one transaction share their requested_at
    seq            bigserial NOT NULL UNIQUE,
    user_id        uuid NOT NULL,
    requested_by   text NOT NULL,
    status         text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'removed')),
    -- archives live at exports/<user_id>/<export_id>-<attempt>.zip: each attempt writes its own key
    correlation_id text,
    causation_id   text,
    attempts       integer NOT NULL DEFAULT 0,
    -- the instance building it, and until when its claim holds (a crashed builder's export is taken over)
    lease_owner    text,
    lease_until    timestamptz,
    bucket         text,
    object_key     text,
    url            text,
    expires_at     timestamptz,
    photo_count    bigint,
    bytes          bigint,
    sha256         text,
    failure_reason text,
    requested_at   timestamptz NOT NULL DEFAULT now(),
    started_at     timestamptz,
    completed_at   timestamptz,
    removed_at     timestamptz,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exports_claimable_idx ON exports (seq) WHERE status IN ('queued', 'running');
CREATE INDEX exports_user_idx ON exports (user_id);
CREATE INDEX exports_expiry_idx ON exports (expires_at) WHERE status = 'completed';

-- Archives to delete: a hard-deleted user's exports/<user_id>/, a failed export's attempts, a stalled
-- attempt's key. The retention job deletes everything under each prefix until the row is a day old, so that
-- a deletion that failed, or an archive a stalled worker stored late, is not forgotten.
CREATE TABLE export_purges (
    prefix       text PRIMARY KEY,
    requested_at timestamptz NOT NULL DEFAULT now()
);
