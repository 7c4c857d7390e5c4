-- The import log: one row per collector run, shared by every subgraph's
-- collectors; it feeds Publication.lastCollectedAt.
CREATE TABLE import_runs (
  id bigserial PRIMARY KEY,
  source text NOT NULL,
  day date NOT NULL,
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  rows integer NOT NULL DEFAULT 0,
  outcome text NOT NULL CHECK (outcome IN ('running', 'succeeded', 'warning', 'failed')),
  message text
);
CREATE INDEX import_runs_source_finished ON import_runs (source, finished_at DESC);

-- A counter bumped by every import, so caches know when the data changed.
CREATE TABLE data_version (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  version bigint NOT NULL
);
INSERT INTO data_version (id, version) VALUES (true, 1);
