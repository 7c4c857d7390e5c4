-- The project registry: research projects, who may see them, and who provides
-- and uses their data.
CREATE TABLE organisations (
  id text PRIMARY KEY,
  name text NOT NULL,
  type text NOT NULL CHECK (type IN ('HOSPITAL', 'LABORATORY', 'GENERAL_PRACTICE', 'RESEARCH_INSTITUTE', 'PUBLIC_AUTHORITY', 'OTHER')),
  identifier text
);

-- HD4DP v2 Local installations, one per data provider that runs one.
CREATE TABLE installations (
  id text PRIMARY KEY,
  organisation_id text NOT NULL REFERENCES organisations (id),
  host text NOT NULL
);
CREATE INDEX installations_organisation ON installations (organisation_id);

CREATE TABLE projects (
  id text PRIMARY KEY,
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  description text
);

CREATE TABLE researchers (
  id text PRIMARY KEY,
  display_name text NOT NULL,
  email text
);

CREATE TABLE memberships (
  researcher_id text NOT NULL REFERENCES researchers (id),
  project_id text NOT NULL REFERENCES projects (id),
  PRIMARY KEY (researcher_id, project_id)
);
CREATE INDEX memberships_project ON memberships (project_id);

CREATE TABLE individuals (
  id text PRIMARY KEY,
  display_name text NOT NULL,
  organisation_id text REFERENCES organisations (id)
);

CREATE TABLE project_provider_organisations (
  project_id text NOT NULL REFERENCES projects (id),
  organisation_id text NOT NULL REFERENCES organisations (id),
  PRIMARY KEY (project_id, organisation_id)
);

CREATE TABLE project_provider_individuals (
  project_id text NOT NULL REFERENCES projects (id),
  individual_id text NOT NULL REFERENCES individuals (id),
  roles text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (project_id, individual_id)
);

CREATE TABLE data_user_organisations (
  organisation_id text PRIMARY KEY REFERENCES organisations (id)
);

CREATE TABLE data_user_individuals (
  individual_id text PRIMARY KEY REFERENCES individuals (id),
  roles text[] NOT NULL DEFAULT '{}'
);
