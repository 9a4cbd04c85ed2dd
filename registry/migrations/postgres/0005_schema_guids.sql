-- Schema GUIDs (the peer's 8.0+ `guid`): every schema's is a UUID derived
-- from its `content_key` (the identity of its content), so the same content
-- has the same guid in every registry and on every instance, and rows stored
-- before this migration get theirs without being rewritten. The first 128
-- bits of the key, with the version nibble set to 8 (a UUID of a custom
-- layout, RFC 9562) and the variant bits to 10. `model::guid_of` computes
-- the same in Rust; the column is what reads and `/schemas/guids/{guid}`
-- use.
ALTER TABLE schemas ADD COLUMN guid TEXT GENERATED ALWAYS AS (
    substr(content_key, 1, 8) || '-' ||
    substr(content_key, 9, 4) || '-8' ||
    substr(content_key, 14, 3) || '-' ||
    substr('89ab89ab89ab89ab', strpos('0123456789abcdef', substr(content_key, 17, 1)), 1) ||
    substr(content_key, 18, 3) || '-' ||
    substr(content_key, 21, 12)
) STORED;

CREATE UNIQUE INDEX schemas_by_guid ON schemas (guid);
