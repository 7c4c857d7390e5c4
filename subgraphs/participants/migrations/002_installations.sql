-- Installations in context: which environment an installation serves (only
-- production counts enter the totals), its size class, the HD4DP v2 release it
-- runs and when HD4DevOps last heard from it. A data provider still on the
-- first architecture (HD4RES v1 Local) has no monitorable installation: the
-- organisation carries the marker instead.
ALTER TABLE installations
  ADD COLUMN environment text NOT NULL DEFAULT 'PRODUCTION' CHECK (environment IN ('PRODUCTION', 'INTEGRATION')),
  ADD COLUMN size_class text CHECK (size_class IN ('SMALL', 'MEDIUM', 'LARGE')),
  ADD COLUMN release text,
  ADD COLUMN last_contact_at timestamptz;

ALTER TABLE organisations
  ADD COLUMN local_architecture text CHECK (local_architecture IN ('V2_LOCAL', 'V1_LOCAL'));
UPDATE organisations o SET local_architecture = 'V2_LOCAL' WHERE EXISTS (SELECT 1 FROM installations i WHERE i.organisation_id = o.id);
