-- What a worker's claim on a processing job needs (the worker contract: reprocess-service/README.md). Every new
-- column is nullable, so the photobomb API's own inserts keep working unchanged; production applies this file to
-- the API's schema like V1.
ALTER TABLE processing_jobs
    ADD COLUMN photo_id     uuid,
    ADD COLUMN batch_id     uuid,
    -- the Redis list the job's item was pushed to (high_priority_queue, batch_processing_queue, ...)
    ADD COLUMN queue        text,
    -- attempts after which a failing or abandoned job is failed instead of queued again
    ADD COLUMN max_attempts integer NOT NULL DEFAULT 3 CHECK (max_attempts > 0),
    -- the running worker's claim: its id and until when it holds the job unless it extends the lease
    ADD COLUMN worker       text,
    ADD COLUMN lease_until  timestamptz,
    -- what the worker did (e.g. {"sizes": [256, 512, 1024]}); read by the reprocess-service for its events
    ADD COLUMN result       jsonb,
    ADD COLUMN finished_at  timestamptz,
    -- set by the reprocess-service once it has turned the job's outcome into events and batch counts
    ADD COLUMN reported_at  timestamptz;

ALTER TABLE processing_jobs DROP CONSTRAINT processing_jobs_status_check;
ALTER TABLE processing_jobs ADD CONSTRAINT processing_jobs_status_check
    CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled'));

CREATE INDEX processing_jobs_batch_idx ON processing_jobs (batch_id, status) WHERE batch_id IS NOT NULL;
CREATE INDEX processing_jobs_lease_idx ON processing_jobs (lease_until) WHERE status = 'running';
CREATE INDEX processing_jobs_unreported_idx ON processing_jobs (job_id)
    WHERE reported_at IS NULL AND status IN ('done', 'failed', 'cancelled');
