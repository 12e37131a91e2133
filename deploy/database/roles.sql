-- The database roles of photobomb-ops, each with only what it needs (deploy/database/README.md).
-- Run as a superuser (Cloud SQL: a member of cloudsqlsuperuser) on the photobomb database, before the services
-- first start; idempotent, so run it again after changing it:
--   psql -v ON_ERROR_STOP=1 -d photobomb -f deploy/database/roles.sql
-- Then photobomb-grants.sql (privileges on the photobomb API's tables). The privileges on the ops tables are
-- granted by the ops migrations themselves (common/src/main/resources/db/ops/R__ops_privileges.sql).
-- No passwords here: set them from your secret store (ALTER ROLE ... PASSWORD) or use IAM authentication.

-- photobomb_ops_migrator: runs the ops migrations (SPRING_FLYWAY_USER) and owns the ops tables.
-- photobomb_ops_relay:    the outbox relay (Kafka Connect's database.user): logical replication, reads the outbox.
-- photobomb_ops_<service>: a service's own connection (SPRING_DATASOURCE_USERNAME); photobomb_ops_thumbnail is the
--                          thumbnail-worker's, photobomb_ops_platform the platform-service's.
-- photobomb_ops_operator: the on-call engineer's photobomb-ops CLI (status, dlq replay): reads the ops tables'
--                          work in progress, records dead-letter replays.
DO $$
DECLARE
  role_name text;
BEGIN
  FOREACH role_name IN ARRAY ARRAY['photobomb_ops_migrator', 'photobomb_ops_relay', 'photobomb_ops_deletion',
      'photobomb_ops_export', 'photobomb_ops_reprocess', 'photobomb_ops_scaling', 'photobomb_ops_cdn',
      'photobomb_ops_thumbnail', 'photobomb_ops_platform', 'photobomb_ops_operator']
  LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = role_name) THEN
      EXECUTE format('CREATE ROLE %I LOGIN', role_name);
    END IF;
  END LOOP;
END
$$;
ALTER ROLE photobomb_ops_relay REPLICATION;

-- The migrator creates tables and the relay's publication; everyone else only connects and uses the schema.
-- (Before PostgreSQL 15 every role may create tables in public unless REVOKE CREATE ON SCHEMA public FROM PUBLIC.)
DO $$
BEGIN
  EXECUTE format('GRANT CONNECT, CREATE ON DATABASE %I TO photobomb_ops_migrator', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO photobomb_ops_relay, photobomb_ops_deletion, photobomb_ops_export, '
      'photobomb_ops_reprocess, photobomb_ops_scaling, photobomb_ops_cdn, photobomb_ops_thumbnail, photobomb_ops_platform, '
      'photobomb_ops_operator', current_database());
END
$$;
GRANT USAGE, CREATE ON SCHEMA public TO photobomb_ops_migrator;
GRANT USAGE ON SCHEMA public TO photobomb_ops_relay, photobomb_ops_deletion, photobomb_ops_export,
    photobomb_ops_reprocess, photobomb_ops_scaling, photobomb_ops_cdn, photobomb_ops_thumbnail, photobomb_ops_platform,
    photobomb_ops_operator;
