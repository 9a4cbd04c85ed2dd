-- Associations (Confluent 8.2+): which subject holds the schemas of a
-- resource (a Kafka topic) for its keys or its values.
--
-- One association per resource, resource type and association type: the
-- primary key, so that two writers (threads or instances) cannot create two.
-- `lifecycle` STRONG (the subject belongs to the resource, frozen) or WEAK
-- (shared); `guid` a random UUID given at creation and kept by updates;
-- times in milliseconds since the Unix epoch.
CREATE TABLE associations (
    resource_id        TEXT    NOT NULL,
    resource_type      TEXT    NOT NULL,
    association_type   TEXT    NOT NULL CHECK (association_type IN ('key', 'value')),
    resource_name      TEXT    NOT NULL,
    resource_namespace TEXT    NOT NULL,
    subject            TEXT    NOT NULL,
    guid               TEXT    NOT NULL UNIQUE,
    lifecycle          TEXT    NOT NULL CHECK (lifecycle IN ('STRONG', 'WEAK')),
    frozen             INTEGER NOT NULL CHECK (frozen IN (0, 1)),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    PRIMARY KEY (resource_id, resource_type, association_type)
) WITHOUT ROWID;

CREATE INDEX associations_by_subject ON associations (subject);
CREATE INDEX associations_by_name ON associations (resource_name, resource_namespace);
