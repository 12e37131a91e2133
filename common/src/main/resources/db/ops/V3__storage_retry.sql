-- Uploads that no object store took: the bytes wait in a spool directory, this row says where,
-- and the retry worker sends them until a store takes them.
CREATE TABLE storage_retry (
    retry_id        bigserial PRIMARY KEY,
    -- the instance whose disk holds the spool file; only it can send the upload
    owner           text NOT NULL,
    bucket          text NOT NULL,
    object_key      text NOT NULL,
    spool_path      text NOT NULL,
    size_bytes      bigint NOT NULL,
    sha256          text NOT NULL,
    content_type    text NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (bucket, object_key)
);
CREATE INDEX storage_retry_due_idx ON storage_retry (owner, next_attempt_at);
