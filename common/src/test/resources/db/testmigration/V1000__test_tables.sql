CREATE TABLE test_scale_requests (
    message_id text PRIMARY KEY,
    deployment text NOT NULL,
    replicas   integer NOT NULL
);

-- MessagingCoreEndToEndTest's handler runs as the scaling-service's role.
GRANT SELECT, INSERT ON test_scale_requests TO photobomb_ops_scaling;
