-- The cdn-service's state (cdn-service/README.md): what was asked to be purged, and the Cloudflare calls that purge
-- it. A request's targets are recorded in its handler's transaction; the coalescer groups unassigned targets of all
-- requests into calls (deduplicated, at most the plan's items per call), the sender makes the calls.
CREATE TABLE cdn_purges (
    purge_id        uuid PRIMARY KEY,
    requested_by    text NOT NULL,
    -- pending: some target is not purged yet; purged: every call of its targets succeeded; failed: a call failed
    -- for good or the request was refused (failure_reason says why)
    status          text NOT NULL CHECK (status IN ('pending', 'purged', 'failed')),
    failure_reason  text,
    -- whether a cache-purged / cache-purge-failed answers it (a cache-purge-requested) or not (thumbnails-regenerated)
    answered        boolean NOT NULL,
    target_count    integer NOT NULL,
    correlation_id  text,
    causation_id    text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz
);

CREATE TABLE cdn_purge_calls (
    call_id         bigserial PRIMARY KEY,
    -- files: targets are URLs; prefixes: host/path prefixes; everything: purge_everything (no targets)
    kind            text NOT NULL CHECK (kind IN ('files', 'prefixes', 'everything')),
    targets         text[] NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    failure_reason  text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX cdn_purge_calls_due_idx ON cdn_purge_calls (next_attempt_at, call_id) WHERE status = 'pending';

CREATE TABLE cdn_purge_targets (
    purge_id        uuid NOT NULL REFERENCES cdn_purges ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('files', 'prefixes', 'everything')),
    -- a URL, a prefix, or '' for everything
    target          text NOT NULL,
    call_id         bigint REFERENCES cdn_purge_calls,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (purge_id, kind, target)
);
CREATE INDEX cdn_purge_targets_unassigned_idx ON cdn_purge_targets (created_at) WHERE call_id IS NULL;
-- the coalescer assigns a call to the unassigned rows of its targets: without it, each call scanned every unassigned
-- row (the benchmark's 100,000 URLs went at half the plan's rate)
CREATE INDEX cdn_purge_targets_unassigned_target_idx ON cdn_purge_targets (target) WHERE call_id IS NULL;
CREATE INDEX cdn_purge_targets_call_idx ON cdn_purge_targets (call_id);
-- the last purge of everything, for its least interval
CREATE INDEX cdn_purge_targets_everything_idx ON cdn_purge_targets (created_at) WHERE kind = 'everything';
