-- The audit trail: one row per change (written in the change's own
-- transaction) and per refused attempt. Rows are only ever appended; `seq`
-- orders them (newest first is `seq` descending).
CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Milliseconds since the Unix epoch.
    time_ms   INTEGER NOT NULL,
    -- NULL on an open registry (no auth file).
    principal TEXT,
    address   TEXT,
    action    TEXT    NOT NULL,
    -- NULL for the global config and mode.
    subject   TEXT,
    version   INTEGER,
    schema_id INTEGER,
    outcome   TEXT    NOT NULL,
    -- A JSON object.
    detail    TEXT    NOT NULL
);

CREATE INDEX audit_by_subject ON audit (subject, seq);
CREATE INDEX audit_by_principal ON audit (principal, seq);
CREATE INDEX audit_by_time ON audit (time_ms);
