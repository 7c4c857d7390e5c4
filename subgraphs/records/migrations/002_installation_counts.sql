-- HD4DP v2 Local runs at each data provider: HD4DevOps counts its records per
-- installation too, so a researcher's support team can see which site lags.
CREATE TABLE installation_counts (
  project_id text NOT NULL,
  installation_id text NOT NULL,
  day date NOT NULL,
  records integer NOT NULL CHECK (records >= 0),
  collected_at timestamptz NOT NULL,
  PRIMARY KEY (project_id, day, installation_id)
);
