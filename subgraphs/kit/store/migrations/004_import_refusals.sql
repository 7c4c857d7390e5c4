-- Every import attempt in the import log: a document refused before anything
-- was written is logged as 'refused', with where in its input it was refused
-- (the file or address, and when known the line and the JSON path).
ALTER TABLE import_runs DROP CONSTRAINT import_runs_outcome_check;
ALTER TABLE import_runs ADD CONSTRAINT import_runs_outcome_check
  CHECK (outcome IN ('running', 'succeeded', 'warning', 'failed', 'refused'));
ALTER TABLE import_runs ADD COLUMN file text;
ALTER TABLE import_runs ADD COLUMN line integer;
ALTER TABLE import_runs ADD COLUMN path text;
