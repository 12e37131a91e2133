-- The platform-service's sagas (runbook tasks 1, 2, 5 and 6): one row per operation, its position in its plan and
-- what its steps stored before they waited (operation names, revisions, key ids: never a secret value), so that a
-- restarted service resumes polling instead of starting a step again.
CREATE TABLE platform_operations (
    operation_id   uuid PRIMARY KEY,
    saga           text        NOT NULL,
    command        jsonb       NOT NULL,
    correlation_id text        NOT NULL,
    status         text        NOT NULL CHECK (status IN ('running', 'compensating', 'completed', 'failed', 'rolled_back')),
    -- running: the next step to run; compensating: the next done step to undo (counting down)
    step_index     int         NOT NULL DEFAULT 0,
    facts          jsonb       NOT NULL DEFAULT '{}',
    -- failed attempts of the current step, and when it first ran (its timeout counts from there)
    attempts       int         NOT NULL DEFAULT 0,
    step_started_at timestamptz,
    next_run_at    timestamptz NOT NULL,
    failed_step    text,
    reason         text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz
);

-- The runner's work: due operations that are not finished.
CREATE INDEX platform_operations_due_idx ON platform_operations (next_run_at)
    WHERE status IN ('running', 'compensating');
