-- The photobomb schema that the runbook works on (users, photos and their stored files,
-- albums, face detection, audit log, processing jobs).

CREATE TABLE users (
    user_id      uuid PRIMARY KEY,
    email        text NOT NULL UNIQUE,
    display_name text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    deleted_at   timestamptz
);
CREATE INDEX users_deleted_at_idx ON users (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE photos (
    photo_id          uuid PRIMARY KEY,
    user_id           uuid NOT NULL REFERENCES users (user_id),
    upload_id         uuid NOT NULL UNIQUE,
    original_filename text NOT NULL,
    content_type      text NOT NULL,
    width             integer,
    height            integer,
    taken_at          timestamptz,
    uploaded_at       timestamptz NOT NULL DEFAULT now(),
    processed_at      timestamptz,
    metadata          jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX photos_user_id_idx ON photos (user_id);
CREATE INDEX photos_processed_at_idx ON photos (processed_at);

-- One row per stored object of a photo: its original and each thumbnail size.
CREATE TABLE photo_files (
    photo_file_id bigserial PRIMARY KEY,
    photo_id      uuid NOT NULL REFERENCES photos (photo_id),
    user_id       uuid NOT NULL REFERENCES users (user_id),
    kind          text NOT NULL CHECK (kind IN ('original', 'thumb_256', 'thumb_512', 'thumb_1024')),
    provider      text NOT NULL CHECK (provider IN ('b2', 'r2', 'gcs', 'local', 'pending')),
    bucket        text NOT NULL,
    object_key    text NOT NULL,
    file_id       text,
    size_bytes    bigint NOT NULL CHECK (size_bytes >= 0),
    sha256        text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (photo_id, kind)
);
CREATE INDEX photo_files_user_id_idx ON photo_files (user_id);

CREATE TABLE albums (
    album_id    uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (user_id),
    title       text NOT NULL,
    description text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX albums_user_id_idx ON albums (user_id);

CREATE TABLE album_photos (
    album_id uuid NOT NULL REFERENCES albums (album_id),
    photo_id uuid NOT NULL REFERENCES photos (photo_id),
    position integer NOT NULL DEFAULT 0,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (album_id, photo_id)
);
CREATE INDEX album_photos_photo_id_idx ON album_photos (photo_id);

CREATE TABLE face_clusters (
    cluster_id uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (user_id),
    label      text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX face_clusters_user_id_idx ON face_clusters (user_id);

CREATE TABLE face_detections (
    detection_id bigserial PRIMARY KEY,
    photo_id     uuid NOT NULL REFERENCES photos (photo_id),
    user_id      uuid NOT NULL REFERENCES users (user_id),
    cluster_id   uuid REFERENCES face_clusters (cluster_id),
    bbox         jsonb NOT NULL,
    confidence   real NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX face_detections_user_id_idx ON face_detections (user_id);
CREATE INDEX face_detections_photo_id_idx ON face_detections (photo_id);

-- No foreign key to users: the audit trail outlives the account it describes.
CREATE TABLE audit_logs (
    audit_id   bigserial PRIMARY KEY,
    user_id    uuid,
    action     text NOT NULL,
    actor      text,
    details    jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_logs_user_id_idx ON audit_logs (user_id);
CREATE INDEX audit_logs_action_idx ON audit_logs (action, created_at);

CREATE TABLE processing_jobs (
    job_id          bigserial PRIMARY KEY,
    upload_id       uuid NOT NULL,
    job_type        text NOT NULL,
    priority        integer NOT NULL DEFAULT 0,
    status          text NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'done', 'failed')),
    idempotency_key text NOT NULL UNIQUE,
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX processing_jobs_status_idx ON processing_jobs (status, priority DESC);
