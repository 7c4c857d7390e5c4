-- A random identity for this store, so that caches shared between stores (one
-- Redis for several test or staging databases) never mistake one store's data
-- version for another's.
ALTER TABLE data_version ADD COLUMN store_id text NOT NULL DEFAULT md5(random()::text || clock_timestamp()::text);
