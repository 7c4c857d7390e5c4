-- A second counter beside the data version, bumped whenever the participants
-- registry's researchers or memberships change (the participants schema's
-- triggers): the gateway keeps the memberships it knows across imports that
-- leave the registry as it was, and asks again only when this one moves.
ALTER TABLE data_version ADD COLUMN registry_version bigint NOT NULL DEFAULT 1;
