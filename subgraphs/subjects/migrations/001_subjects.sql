-- Unique study subjects: one row per project, component and day.
CREATE TABLE unique_subject_counts (
  project_id text NOT NULL,
  component_id text NOT NULL,
  day date NOT NULL,
  subjects integer NOT NULL CHECK (subjects >= 0),
  source text NOT NULL CHECK (source IN ('HD4DEVOPS', 'HD4RES')),
  collected_at timestamptz NOT NULL,
  PRIMARY KEY (project_id, day, component_id)
);

CREATE TABLE project_components (
  project_id text NOT NULL,
  component_id text NOT NULL,
  first_day date NOT NULL,
  last_day date NOT NULL,
  PRIMARY KEY (project_id, component_id)
);

-- Platform-wide: subjects found in more than one study, computed from the
-- DWH's pseudonymised subject keys (the keys themselves are never stored here).
CREATE TABLE multi_study_subjects (
  day date PRIMARY KEY,
  subjects integer NOT NULL CHECK (subjects >= 0),
  collected_at timestamptz NOT NULL
);

-- Pairwise overlaps, stored in both directions so either project reads its own.
CREATE TABLE project_overlaps (
  day date NOT NULL,
  project_id text NOT NULL,
  other_project_id text NOT NULL,
  shared_subjects integer NOT NULL CHECK (shared_subjects >= 0),
  PRIMARY KEY (project_id, day, other_project_id),
  CHECK (project_id <> other_project_id)
);
