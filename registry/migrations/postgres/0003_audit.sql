-- The audit trail: one row per change (written in the change's own
-- transaction) and per refused attempt. Rows are only ever appended; `seq`
-- orders them (newest first is `seq` descending).
CREATE TABLE audit (
    seq       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Milliseconds since the Unix epoch.
    time_ms   BIGINT  NOT NULL,
    -- NULL on an open registry (no auth file).
    principal TEXT    COLLATE "C",
    address   TEXT,
    action    TEXT    NOT NULL,
    -- NULL for the global config and mode.
    subject   TEXT    COLLATE "C",
    version   INTEGER,
    schema_id BIGINT,
    outcome   TEXT    NOT NULL,
    -- A JSON object.
    detail    TEXT    NOT NULL
);

CREATE INDEX audit_by_subject ON audit (subject, seq);
CREATE INDEX audit_by_principal ON audit (principal, seq);
CREATE INDEX audit_by_time ON audit (time_ms);
