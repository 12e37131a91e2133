-- The reprocess-service's state: one row per reprocess-batch command (reprocess-service/README.md).
CREATE TABLE reprocess_batches (
    batch_id          uuid PRIMARY KEY,
    job_type          text NOT NULL,
    -- {processedBefore, userIds, photoIds} as the command gave them
    filter            jsonb NOT NULL DEFAULT '{}'::jsonb,
    priority          integer NOT NULL DEFAULT 0,
    requested_by      text NOT NULL,
    -- enqueuing: pages still to insert or push; enqueued: every job is on its queue (accepted was emitted);
    -- cancelled: asked to stop (queued jobs are cancelled); failed: never started (failure_reason says why).
    -- completed_at is set when reprocess-batch-completed goes out, whether the batch was enqueued or cancelled.
    status            text NOT NULL CHECK (status IN ('enqueuing', 'enqueued', 'completed', 'failed', 'cancelled')),
    failure_reason    text,
    -- the Redis list and the idempotency-key target its jobs were queued for
    queue             text,
    target            text,
    -- keyset cursors over photos.photo_id: jobs of photos up to inserted_through are in processing_jobs,
    -- and their items up to pushed_through on the queue; a crash resumes by pushing the page in between again
    inserted_through  uuid,
    pushed_through    uuid,
    job_count         bigint NOT NULL DEFAULT 0,
    done_count        bigint NOT NULL DEFAULT 0,
    failed_count      bigint NOT NULL DEFAULT 0,
    cancelled_count   bigint NOT NULL DEFAULT 0,
    -- what the last reprocess-batch-progressed said, and when
    progress_done     bigint NOT NULL DEFAULT 0,
    progress_failed   bigint NOT NULL DEFAULT 0,
    progress_cancelled bigint NOT NULL DEFAULT 0,
    progress_at       timestamptz,
    -- the replica whose enqueuer holds the batch, until when (another one takes it over after that)
    claimed_by        text,
    claim_until       timestamptz,
    correlation_id    text,
    cancelled_by      text,
    cancel_reason     text,
    requested_at      timestamptz NOT NULL DEFAULT now(),
    enqueued_at       timestamptz,
    cancelled_at      timestamptz,
    completed_at      timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reprocess_batches_enqueuing_idx ON reprocess_batches (requested_at) WHERE status = 'enqueuing';
CREATE INDEX reprocess_batches_open_idx ON reprocess_batches (requested_at)
    WHERE completed_at IS NULL AND status IN ('enqueuing', 'enqueued', 'cancelled');
