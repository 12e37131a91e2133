-- What photobomb-ops may do on the photobomb API's tables (users, photos, ...), per service role. Run after
-- roles.sql, as a superuser or the owner of these tables, once they exist; idempotent and declarative (it revokes
-- first, then grants exactly what follows):
--   psql -v ON_ERROR_STOP=1 -d photobomb -f deploy/database/photobomb-grants.sql
-- A service whose code starts using another table or column of this schema adds its grant here.

REVOKE ALL ON users, photos, photo_files, albums, album_photos, face_detections, face_clusters, audit_logs,
    processing_jobs
    FROM photobomb_ops_deletion, photobomb_ops_export, photobomb_ops_reprocess, photobomb_ops_scaling,
         photobomb_ops_cdn;
REVOKE ALL ON SEQUENCE audit_logs_audit_id_seq, processing_jobs_job_id_seq
    FROM photobomb_ops_deletion, photobomb_ops_export, photobomb_ops_reprocess, photobomb_ops_scaling,
         photobomb_ops_cdn;

-- Every service audits its destructive and privileged actions.
GRANT INSERT ON audit_logs
    TO photobomb_ops_deletion, photobomb_ops_export, photobomb_ops_reprocess, photobomb_ops_scaling, photobomb_ops_cdn;
GRANT USAGE ON SEQUENCE audit_logs_audit_id_seq
    TO photobomb_ops_deletion, photobomb_ops_export, photobomb_ops_reprocess, photobomb_ops_scaling, photobomb_ops_cdn;

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
