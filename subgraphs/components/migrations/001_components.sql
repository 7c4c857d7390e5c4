-- Which components each research project uses (its data's path through the platform).
CREATE TABLE project_components (
  project_id text NOT NULL,
  component_id text NOT NULL,
  PRIMARY KEY (project_id, component_id)
);

-- HD4DevOps availability checks: one row per component and check.
CREATE TABLE availability_checks (
  component_id text NOT NULL,
  checked_at timestamptz NOT NULL,
  up boolean NOT NULL,
  response_ms real CHECK (response_ms IS NULL OR response_ms >= 0),
  PRIMARY KEY (component_id, checked_at)
);
