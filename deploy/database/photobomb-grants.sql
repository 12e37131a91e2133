-- What photobomb-ops may do on the photobomb API's tables (users, photos, ...), per service role. Run after
-- roles.sql, as a superuser or the owner of these tables, once they exist; idempotent and declarative (it revokes
-- first, then grants exactly what follows):
--   psql -v ON_ERROR_STOP=1 -d photobomb -f deploy/database/photobomb-grants.sql
-- A service whose code starts using another table or column of this schema adds its grant here.

REVOKE ALL ON users, photos, photo_files, albums, album_photos, face_detections, face_clusters, audit_logs,
    processing_jobs
    FROM photobomb_ops_deletion, photobomb_ops_export, photobomb_ops_reprocess, photobomb_ops_scaling,
         photobomb_ops_cdn, photobomb_ops_thumbnail, photobomb_ops_platform;
REVOKE ALL ON SEQUENCE audit_logs_audit_id_seq, processing_jobs_job_id_seq, photo_files_photo_file_id_seq
    FROM photobomb_ops_deletion, photobomb_ops_export, photobomb_ops_reprocess, photobomb_ops_scaling,
         photobomb_ops_cdn, photobomb_ops_thumbnail, photobomb_ops_platform;

-- Every service audits its destructive and privileged actions.
GRANT INSERT ON audit_logs
    TO photobomb_ops_deletion, photobomb_ops_export, photobomb_ops_reprocess, photobomb_ops_scaling, photobomb_ops_cdn,
       photobomb_ops_thumbnail, photobomb_ops_platform;
GRANT USAGE ON SEQUENCE audit_logs_audit_id_seq
    TO photobomb_ops_deletion, photobomb_ops_export, photobomb_ops_reprocess, photobomb_ops_scaling, photobomb_ops_cdn,
       photobomb_ops_thumbnail, photobomb_ops_platform;

-- deletion-service: soft-deletes and restores an account (users.deleted_at only; locking the row needs UPDATE
-- too) and hard-deletes all of its rows (runbook task 9).
GRANT SELECT, DELETE, UPDATE (deleted_at) ON users TO photobomb_ops_deletion;
GRANT SELECT, DELETE ON photos, photo_files, albums, album_photos, face_detections, face_clusters
    TO photobomb_ops_deletion;

-- export-service: reads an account's data into its archive (runbook task 8).
GRANT SELECT ON users, photos, photo_files, albums, album_photos, face_detections, face_clusters
    TO photobomb_ops_export;

-- reprocess-service: selects photos of live accounts (ids, upload id, processed_at; never e-mails), queues their
-- jobs, reaps expired leases, cancels queued jobs and records what it reported (runbook task 10).
GRANT SELECT (user_id, deleted_at) ON users TO photobomb_ops_reprocess;
GRANT SELECT (photo_id, user_id, upload_id, processed_at) ON photos TO photobomb_ops_reprocess;
GRANT SELECT, INSERT, UPDATE ON processing_jobs TO photobomb_ops_reprocess;
GRANT USAGE ON SEQUENCE processing_jobs_job_id_seq TO photobomb_ops_reprocess;

-- thumbnail-worker: claims, extends and finishes processing jobs (the worker contract, reprocess-service/README.md);
-- reads a photo, whether its owner is deleted, and its files; points the thumbnail rows at new thumbnails (inserting
-- missing ones) and moved files at their new store; sets photos.processed_at (UPDATE also lets it lock the row).
GRANT SELECT (job_id, job_type, status, photo_id, upload_id, attempts, max_attempts, batch_id, worker)
    ON processing_jobs TO photobomb_ops_thumbnail;
GRANT UPDATE (status, attempts, worker, lease_until, result, last_error, finished_at, updated_at)
    ON processing_jobs TO photobomb_ops_thumbnail;
GRANT SELECT (photo_id, user_id, content_type), UPDATE (processed_at) ON photos TO photobomb_ops_thumbnail;
GRANT SELECT (user_id, deleted_at) ON users TO photobomb_ops_thumbnail;
GRANT SELECT, INSERT (photo_id, user_id, kind, provider, bucket, object_key, file_id, size_bytes, sha256),
    UPDATE (provider, bucket, object_key, file_id, size_bytes, sha256) ON photo_files TO photobomb_ops_thumbnail;
GRANT USAGE ON SEQUENCE photo_files_photo_file_id_seq TO photobomb_ops_thumbnail;

-- platform-service: the restore saga's validation queries on a restored instance (row counts, newest upload; the
-- instance's copy of these grants) and SHOW max_connections after a resize (no grant needed). The schema version
-- query reads the API's Flyway history table: grant SELECT on it where the API keeps it.
GRANT SELECT (user_id) ON users TO photobomb_ops_platform;
GRANT SELECT (photo_id, uploaded_at) ON photos TO photobomb_ops_platform;
