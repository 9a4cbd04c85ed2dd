-- The schema text as registered (issue #13), and a schema's data contract.
--
-- Until now `schemas.schema` held Charter's canonical text and
-- `content_key` hashed it. From here on `schema` holds the text as served:
-- as submitted minus insignificant whitespace, or the normalized
-- (canonical) form when the registration asked to normalize. Every existing
-- row holds its canonical text, so it is marked `normalized` and keeps its
-- id, its key and the text it served.
--
-- `canonical_key` hashes what `content_key` hashes but over the canonical
-- text: the schemas that differ only in formatting share it. A submission
-- matches a version holding a normalized row (or any row, when it arrived as
-- a serialized Protobuf descriptor) by this key.
--
-- `metadata` and `rule_set` are the schema's data contract (Confluent's
-- `metadata` and `ruleSet`) as JSON, NULL when absent; both are part of the
-- content's identity (both keys cover them).
ALTER TABLE schemas ADD COLUMN canonical_key TEXT NOT NULL DEFAULT '';
ALTER TABLE schemas ADD COLUMN normalized INTEGER NOT NULL DEFAULT 1 CHECK (normalized IN (0, 1));
ALTER TABLE schemas ADD COLUMN metadata TEXT;
ALTER TABLE schemas ADD COLUMN rule_set TEXT;
UPDATE schemas SET canonical_key = content_key;
CREATE INDEX schemas_by_canonical_key ON schemas (canonical_key);
