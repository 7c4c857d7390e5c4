-- Unique subjects per HD4DP v2 Local installation, as HD4DevOps counts them.
CREATE TABLE installation_counts (
  project_id text NOT NULL,
  installation_id text NOT NULL,
  day date NOT NULL,
  subjects integer NOT NULL CHECK (subjects >= 0),
  collected_at timestamptz NOT NULL,
  PRIMARY KEY (project_id, day, installation_id)
);
