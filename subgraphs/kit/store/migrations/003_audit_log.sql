-- The audit trail: one row per GraphQL operation the gateway answered (or
-- refused), shipped by the gateways from their spool files. Rows are only ever
-- added: an UPDATE or a TRUNCATE is refused, and a DELETE only from the
-- retention job, for rows older than the cutoff it names in its own
-- transaction (hd4res.audit_purge_before).
CREATE TABLE audit_log (
  -- Made by the gateway: shipping the same record twice inserts it once.
  id uuid PRIMARY KEY,
  at timestamptz NOT NULL,
  request_id text NOT NULL,
  -- The operation's place in a batched request, from 0; null for a request of one operation.
  batch_index integer,
  -- The researcher whose token the gateway verified; null when the request was refused before that.
  researcher_id text,
  -- The subject an unverified token names (a request turned away before its token was verified): a lead, never proof.
  claimed_researcher_id text,
  roles text[] NOT NULL DEFAULT '{}',
  operation_name text,
  -- SHA-256 of the operation's text, hex.
  operation_hash text,
  project_ids text[] NOT NULL DEFAULT '{}',
  denied_project_ids text[] NOT NULL DEFAULT '{}',
  publications text[] NOT NULL DEFAULT '{}',
  outcome text NOT NULL CHECK (outcome IN ('ok', 'partial', 'error', 'refused')),
  http_status integer NOT NULL,
  error_codes text[] NOT NULL DEFAULT '{}',
  from_cache boolean NOT NULL DEFAULT false,
  client_address text,
  received_at timestamptz NOT NULL DEFAULT now()
);
-- The pages operators ask for: newest first, by researcher, by project (read or refused, one index for both).
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_researcher_at ON audit_log (researcher_id, at DESC, id DESC);
CREATE INDEX audit_log_projects ON audit_log USING gin ((project_ids || denied_project_ids));

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ops.audit_log is append-only: its records are never changed (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE FUNCTION audit_log_guard_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cutoff text := current_setting('hd4res.audit_purge_before', true);
BEGIN
  IF cutoff IS NULL OR cutoff = '' OR OLD.at >= cutoff::timestamptz THEN
    RAISE EXCEPTION 'ops.audit_log is append-only: records are deleted only by the retention job, once older than the retention period'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN OLD;
END
$$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_retention_only BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_guard_delete();
