-- A 'photos' task holds the ids of a hard-deleted account's photos, recorded from the DELETE of photos in the
-- transaction that deleted them (one row instead of a listing per photo): the object phase turns it into a 'prefix'
-- listing per photo and photo prefix (their thumbnails), and purges those photos' CDN URLs when the account's last
-- object is gone.
ALTER TABLE deletion_tasks ADD COLUMN photo_ids uuid[];
ALTER TABLE deletion_tasks DROP CONSTRAINT deletion_tasks_kind_check;
ALTER TABLE deletion_tasks ADD CONSTRAINT deletion_tasks_kind_check
    CHECK (kind IN ('object', 'prefix', 'version', 'photos'));
