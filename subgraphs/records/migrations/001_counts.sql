-- Study record counts: one row per project, component and day.
CREATE TABLE study_record_counts (
  project_id text NOT NULL,
  component_id text NOT NULL,
  day date NOT NULL,
  records integer NOT NULL CHECK (records >= 0),
  source text NOT NULL CHECK (source IN ('HD4DEVOPS', 'HD4RES')),
  collected_at timestamptz NOT NULL,
  -- Serves "a project on a day", "a project's latest day" and "a project over a range".
  PRIMARY KEY (project_id, day, component_id)
);

-- The components each project has counts in, kept by the imports, so that a
-- day's answer lists them all, collected or not, without scanning the counts.
CREATE TABLE project_components (
  project_id text NOT NULL,
  component_id text NOT NULL,
  first_day date NOT NULL,
  last_day date NOT NULL,
  PRIMARY KEY (project_id, component_id)
);
