-- Incidents and requests from the HD Service and Support portal (ServiceNow).
CREATE TABLE tickets (
  sys_id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('incident', 'request')),
  number text NOT NULL,
  project_id text,
  short_description text NOT NULL,
  state text NOT NULL CHECK (state IN ('NEW', 'IN_PROGRESS', 'ON_HOLD', 'RESOLVED', 'CLOSED', 'CANCELLED')),
  priority text NOT NULL CHECK (priority IN ('CRITICAL', 'HIGH', 'MODERATE', 'LOW', 'PLANNING')),
  opened_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  closed_at timestamptz,
  resolved_at timestamptz,
  category text,
  UNIQUE (kind, number)
);
-- Pages of a project's tickets, newest or oldest first, walk this index.
CREATE INDEX tickets_project_page ON tickets (project_id, kind, opened_at, number);
