-- The inbox knows a message by consumer, ce_source and ce_id: CloudEvents ids are unique per source only, so two
-- systems may send the same id. Rows written before this migration have no source; they keep '' and so stop
-- matching redeliveries of what they recorded: deploy it with the consumers' lag at zero.
ALTER TABLE inbox ADD COLUMN message_source text NOT NULL DEFAULT '';
ALTER TABLE inbox ALTER COLUMN message_source DROP DEFAULT;
ALTER TABLE inbox DROP CONSTRAINT inbox_pkey;
ALTER TABLE inbox ADD PRIMARY KEY (consumer, message_source, message_id);
