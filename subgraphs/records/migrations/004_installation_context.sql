-- The environment and organisation of the installation a count came from, as
-- the registry knew them when it was imported: integration servers' counts
-- are listed but never enter the HD4DP v2 Local total.
ALTER TABLE installation_counts
  ADD COLUMN environment text NOT NULL DEFAULT 'PRODUCTION' CHECK (environment IN ('PRODUCTION', 'INTEGRATION')),
  ADD COLUMN organisation_id text;
