-- What a ticket is about and where its service level stands: the component it
-- names (ServiceNow's configuration item, cmdb_ci), a request's type
-- (u_request_type), and the SLAs ServiceNow attaches to it (task_sla).
ALTER TABLE tickets
  ADD COLUMN affected_component text,
  ADD COLUMN request_type text CHECK (
    request_type IN ('REQUEST_FOR_INFORMATION', 'ACCESS_REQUEST', 'DATA_REQUEST', 'NEW_PROJECT', 'CHANGE_REQUEST', 'OTHER')
  );

-- One row per task_sla record; task_sys_id is the ticket's sys_id. No foreign
-- key: the SLA extract may arrive before or after the tickets it is about.
CREATE TABLE ticket_slas (
  sys_id text PRIMARY KEY,
  task_sys_id text NOT NULL,
  name text NOT NULL,
  stage text CHECK (stage IN ('IN_PROGRESS', 'PAUSED', 'COMPLETED', 'CANCELLED')),
  started_at timestamptz,
  due_at timestamptz,
  stopped_at timestamptz,
  breached boolean NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX ticket_slas_task ON ticket_slas (task_sys_id, started_at);
