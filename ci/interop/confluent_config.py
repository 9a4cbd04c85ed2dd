"""Confluent's own Python client against a running charter-registry: the
data-contract config fields (issue #13).

Usage: python confluent_config.py http://127.0.0.1:PORT

Sets `compatibilityGroup`, default and override metadata and rule sets with
`set_config`, globally and per subject, and reads them back with
`get_config`; registers an incompatible `major_version: 2` beside line 1 of
a subject grouped by `major_version` while line 1 still refuses an
incompatible change; finds the config's metadata and rules merged into what
was registered; and has `use.latest.with.metadata` serializers pick each
line.

Prints one line per check and a closing `N passed, N failed` line; exits 0
only when every check passed.
"""

import json
import sys

from confluent_kafka.schema_registry import (
    Metadata,
    MetadataProperties,
    Rule,
    RuleKind,
    RuleMode,
    RuleSet,
    Schema,
    SchemaRegistryClient,
)
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.schema_registry.schema_registry_client import (
    ConfigCompatibilityLevel,
    ServerConfig,
)
from confluent_kafka.serialization import MessageField, SerializationContext

from checks import Checks, expect_error

SUBJECT = "clicks-value"


def properties(**values):
    return Metadata(tags=None, properties=MetadataProperties(values), sensitive=None)


def rule(name, expr):
    """A CEL condition, disabled (the serializers below have no CEL executor)."""
    return Rule(
        name=name,
        doc=None,
        kind=RuleKind.CONDITION,
        mode=RuleMode.WRITE,
        type="CEL",
        tags=None,
        params=None,
        expr=expr,
        on_success=None,
        on_failure="ERROR",
        disabled=True,
    )


def click(url_type, major):
    """An Avro `Click` whose `url` has `url_type`, in line `major`."""
    fields = [{"name": "url", "type": url_type}]
    return Schema(
        json.dumps({"type": "record", "name": "Click", "fields": fields}),
        "AVRO",
        metadata=properties(major_version=major),
    )


def main(url):
    client = SchemaRegistryClient({"url": url})
    check = Checks()
    subject_config = ServerConfig(
        compatibility=ConfigCompatibilityLevel.BACKWARD,
        compatibility_group="major_version",
        default_metadata=properties(owner="web"),
        override_rule_set=RuleSet(migration_rules=[], domain_rules=[rule("urlSet", "message.url != ''")]),
    )

    @check("set_config with the data-contract fields round-trips through get_config")
    def _():
        echoed = client.set_config(SUBJECT, subject_config)
        assert echoed["compatibilityGroup"] == "major_version", echoed
        got = client.get_config(SUBJECT)
        assert got.compatibility_level == ConfigCompatibilityLevel.BACKWARD, got
        assert got.compatibility_group == "major_version", got
        assert got.default_metadata.properties == subject_config.default_metadata.properties, got
        assert got.override_rule_set.domain_rules == subject_config.override_rule_set.domain_rules, got

    @check("the global config takes them too, and deleting it removes them")
    def _():
        client.set_config(config=ServerConfig(override_metadata=properties(env="test")))
        assert client.get_config().override_metadata.properties == MetadataProperties({"env": "test"})
        client.delete_config()
        assert client.get_config().override_metadata is None

    ids = {}

    @check("a compatibilityGroup subject accepts an incompatible major_version 2")
    def _():
        ids["1"] = client.register_schema(SUBJECT, click("string", "1"))
        ids["2"] = client.register_schema(SUBJECT, click("long", "2"))
        assert ids["1"] != ids["2"], ids
        assert client.get_latest_version(SUBJECT).version == 2

    @check("and still refuses an incompatible change inside line 1 (409)")
    def _():
        expect_error(lambda: client.register_schema(SUBJECT, click("boolean", "1")), 409, 40901)

    @check("registered schemas carry the config's default metadata and override rules")
    def _():
        registered = client.get_version(SUBJECT, 1).schema
        expected = MetadataProperties({"owner": "web", "major_version": "1"})
        assert registered.metadata.properties == expected, registered
        assert [r.name for r in registered.rule_set.domain_rules] == ["urlSet"], registered

    @check("use.latest.with.metadata serializers pick the right major line")
    def _():
        for major, record in [("1", {"url": "/"}), ("2", {"url": 7})]:
            serializer = AvroSerializer(
                client,
                conf={"auto.register.schemas": False, "use.latest.with.metadata": {"major_version": major}},
            )
            framed = serializer(record, SerializationContext("clicks", MessageField.VALUE))
            assert int.from_bytes(framed[1:5], "big") == ids[major], (major, framed[:5], ids)

    return check.run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
