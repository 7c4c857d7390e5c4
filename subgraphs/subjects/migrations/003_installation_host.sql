-- Keep the installation's host name beside its count, so the API can name the
-- installation without reading the registry's tables.
ALTER TABLE installation_counts ADD COLUMN host text;
