-- What the gateway's memberships are made from (/internal/access reads a
-- researcher's display name and project memberships): any statement that
-- writes to these tables bumps ops.data_version.registry_version and tells
-- the data version's listeners, as an import does, once it commits.
CREATE FUNCTION bump_registry_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE ops.data_version SET registry_version = registry_version + 1;
  PERFORM pg_notify('hd4res_data_version', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER researchers_registry_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON researchers
  FOR EACH STATEMENT EXECUTE FUNCTION bump_registry_version();
CREATE TRIGGER memberships_registry_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON memberships
  FOR EACH STATEMENT EXECUTE FUNCTION bump_registry_version();
