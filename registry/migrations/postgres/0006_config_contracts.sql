-- The peer's data-contract config fields (Confluent 7.4+), per scope,
-- PostgreSQL flavour: the same columns as the SQLite one. NULL is unset at
-- this scope, as for the other fields.
--
-- `compatibility_group`: the metadata property whose value splits a subject
-- into lines judged apart (e.g. `major_version`). `validate_fields`,
-- `validate_rules`: the peer's flags. `alias`: the subject reads of this one
-- resolve to. `default_metadata`, `override_metadata`, `default_rule_set`,
-- `override_rule_set`: merged under and over a registered schema's own
-- metadata and rule set, stored as the peer's JSON like `schemas.metadata`.
-- Rows made before this migration get NULL everywhere: nothing changes for
-- them.
ALTER TABLE configs ADD COLUMN compatibility_group TEXT;
ALTER TABLE configs ADD COLUMN validate_fields BOOLEAN;
ALTER TABLE configs ADD COLUMN validate_rules BOOLEAN;
ALTER TABLE configs ADD COLUMN alias TEXT;
ALTER TABLE configs ADD COLUMN default_metadata TEXT;
ALTER TABLE configs ADD COLUMN override_metadata TEXT;
ALTER TABLE configs ADD COLUMN default_rule_set TEXT;
ALTER TABLE configs ADD COLUMN override_rule_set TEXT;
