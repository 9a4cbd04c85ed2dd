-- Identity follows Confluent (issue #13). The Confluent Schema Registry
-- tells schemas apart by their `canonicalString()` (for Avro, Avro Java's
-- printing of the parsed schema) with their references, metadata and rule
-- set, so `{"type":"string"}` and `"string"`, or a record's keys in
-- another order, are one schema there. Charter keyed (`content_key`) the
-- text as submitted. `identity_key` is the key of the text the peer
-- compares; a registration finds the lowest id of the schemas with its
-- identity.
--
-- `content_key` stays unique and stays what it was for every stored row,
-- so no GUID (made from it) changes and no id is renumbered; a new row
-- registered without normalizing has its identity as content key.
-- `identity_key` is not unique: two rows stored before this migration may
-- be spellings of one schema, and both keep their ids.
--
-- For JSON Schema and Protobuf the text compared is the text kept, so a row
-- stored without normalizing has its content key as identity. The others
-- (Avro rows, normalized rows) are keyed by the registry at start-up
-- (`Registry::key_identities`), which parses them: SQL cannot. A row left
-- NULL (written by an older instance during a rolling upgrade) is found by
-- its content key meanwhile and keyed at the next start.
ALTER TABLE schemas ADD COLUMN identity_key TEXT;
UPDATE schemas SET identity_key = content_key WHERE schema_type <> 'AVRO' AND NOT normalized;
CREATE INDEX schemas_by_identity_key ON schemas (identity_key);
