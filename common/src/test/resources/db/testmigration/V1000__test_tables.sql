CREATE TABLE test_scale_requests (
    message_id text PRIMARY KEY,
    deployment text NOT NULL,
    replicas   integer NOT NULL
);
