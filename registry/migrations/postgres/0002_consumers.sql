-- Consumers and deployments (Charter's own records beside the Confluent API),
-- PostgreSQL flavour: the same tables as the SQLite one.

-- Whether registrations are judged against the recorded consumers:
-- NONE, WARN or ENFORCE; NULL is unset at this scope.
ALTER TABLE configs ADD COLUMN consumer_compatibility TEXT;

-- The reader each consumer runs with, per subject and environment: a schema
-- of its own (type, canonical text, references as JSON) or a registered
-- version of the subject (with the schema id it held when recorded).
CREATE TABLE readers (
    consumer         TEXT COLLATE "C" NOT NULL,
    subject          TEXT COLLATE "C" NOT NULL,
    environment      TEXT COLLATE "C" NOT NULL,
    schema_type      TEXT,
    schema           TEXT,
    reader_refs      TEXT,
    version          INTEGER,
    schema_id        BIGINT,
    consumer_version TEXT,
    recorded_at      BIGINT  NOT NULL,
    PRIMARY KEY (consumer, subject, environment)
);

CREATE INDEX readers_by_subject ON readers (subject, environment);

-- Every reader ever recorded and every forgetting, in order: the history
-- the audit reads. Never updated.
CREATE TABLE reader_history (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event            TEXT    NOT NULL CHECK (event IN ('recorded', 'forgotten')),
    consumer         TEXT COLLATE "C" NOT NULL,
    subject          TEXT COLLATE "C" NOT NULL,
    environment      TEXT COLLATE "C" NOT NULL,
    schema_type      TEXT,
    schema           TEXT,
    reader_refs      TEXT,
    version          INTEGER,
    schema_id        BIGINT,
    consumer_version TEXT,
    at               BIGINT  NOT NULL
);

-- The producer version running in each environment, and every version ever
-- deployed there (messages outlive deployments).
CREATE TABLE deployments (
    subject     TEXT COLLATE "C" NOT NULL,
    environment TEXT COLLATE "C" NOT NULL,
    version     INTEGER NOT NULL,
    deployed_at BIGINT  NOT NULL,
    PRIMARY KEY (subject, environment)
);

CREATE TABLE deployment_history (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject     TEXT COLLATE "C" NOT NULL,
    environment TEXT COLLATE "C" NOT NULL,
    version     INTEGER NOT NULL,
    deployed_at BIGINT  NOT NULL
);

CREATE INDEX deployment_history_by_target ON deployment_history (subject, environment);

-- From which version on the data of a subject in an environment may still
-- be read (older messages are gone).
CREATE TABLE retention (
    subject       TEXT COLLATE "C" NOT NULL,
    environment   TEXT COLLATE "C" NOT NULL,
    retained_from INTEGER NOT NULL,
    PRIMARY KEY (subject, environment)
);
