-- Schema contexts (the peer's `:.ctx:subject` names, issue #13).
--
-- A subject named `:.ctx:name` lives in context `.ctx`, which has an id
-- space of its own. The default context's ids stay what they always were,
-- `schemas.id`; nothing stored is renumbered. A context's ids map to
-- schema rows through `context_ids` (one content row serves every context
-- holding it), and `versions.context_id` keeps the id a version's schema has
-- in its subject's context (NULL in the default context, where it is
-- `schema_id`).
--
-- `contexts.next_id` is the next id the context hands out; it only grows,
-- so an id is never handed out twice in a context, even after permanent
-- deletes or DELETE /contexts (which only clears `listed`, the context's
-- place in GET /contexts, until a subject is registered in it again).
CREATE TABLE contexts (
    name    TEXT COLLATE "C" PRIMARY KEY,
    next_id BIGINT NOT NULL CHECK (next_id > 0),
    listed  BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE context_ids (
    context   TEXT COLLATE "C" NOT NULL REFERENCES contexts (name),
    id        BIGINT NOT NULL CHECK (id > 0),
    schema_id BIGINT NOT NULL REFERENCES schemas (id),
    PRIMARY KEY (context, id),
    UNIQUE (context, schema_id)
);

ALTER TABLE versions ADD COLUMN context_id BIGINT;

-- Subjects stored before contexts existed under qualified names were
-- literal names in the one id space; they now live in their context and
-- keep the ids they were answered with, which become that context's.
CREATE TEMPORARY TABLE qualified_versions AS
    SELECT subject, schema_id,
           CASE WHEN strpos(substr(subject, 3), ':') > 0
                THEN substr(subject, 2, strpos(substr(subject, 3), ':'))
                ELSE substr(subject, 2) END AS context
    FROM versions
    WHERE substr(subject, 1, 2) = ':.';
DELETE FROM qualified_versions WHERE context IN ('.', '.__GLOBAL');

INSERT INTO contexts (name, next_id, listed)
    SELECT context, MAX(schema_id) + 1, TRUE FROM qualified_versions GROUP BY context;

INSERT INTO context_ids (context, id, schema_id)
    SELECT DISTINCT context, schema_id, schema_id FROM qualified_versions;

UPDATE versions SET context_id = schema_id
    WHERE subject IN (SELECT subject FROM qualified_versions);

DROP TABLE qualified_versions;
