-- Charter registry store, SQLite flavour.
--
-- Ids come from AUTOINCREMENT, which never hands out a number twice, even
-- after the highest row was deleted. A schema row is content: once written it
-- never changes, so an id always names the same schema.

CREATE TABLE schemas (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    -- SHA-256 (hex) over schema type, canonical text and references: the identity of the content.
    content_key TEXT    NOT NULL UNIQUE,
    schema_type TEXT    NOT NULL CHECK (schema_type IN ('AVRO', 'JSON', 'PROTOBUF')),
    -- The canonical text, as served.
    schema      TEXT    NOT NULL
);

-- The references a schema was registered with, in request order.
CREATE TABLE schema_references (
    schema_id INTEGER NOT NULL REFERENCES schemas (id),
    position  INTEGER NOT NULL,
    name      TEXT    NOT NULL,
    subject   TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    PRIMARY KEY (schema_id, position)
) WITHOUT ROWID;

CREATE INDEX schema_references_by_target ON schema_references (subject, version);

-- One row per subject ever written. `generation` grows with every change to
-- the subject's versions, so a writer can tell that the history it checked is
-- still the history it appends to.
CREATE TABLE subjects (
    name       TEXT    PRIMARY KEY,
    generation INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE versions (
    subject       TEXT    NOT NULL REFERENCES subjects (name),
    version       INTEGER NOT NULL CHECK (version > 0),
    schema_id     INTEGER NOT NULL REFERENCES schemas (id),
    deleted       INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    registered_at INTEGER NOT NULL,
    PRIMARY KEY (subject, version)
) WITHOUT ROWID;

CREATE INDEX versions_by_schema ON versions (schema_id);

-- Compatibility settings per scope: a subject name, or '__GLOBAL'.
CREATE TABLE configs (
    scope         TEXT PRIMARY KEY,
    compatibility TEXT,
    policy        TEXT,
    normalize     INTEGER
) WITHOUT ROWID;

-- Modes per scope: a subject name, or '__GLOBAL'.
CREATE TABLE modes (
    scope TEXT PRIMARY KEY,
    mode  TEXT NOT NULL
) WITHOUT ROWID;
