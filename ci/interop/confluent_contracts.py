"""Confluent's own Python client against a running charter-registry: the
schema text as registered, and data contracts (issue #13).

Usage: python confluent_contracts.py http://127.0.0.1:PORT

Registers Avro, JSON Schema and Protobuf schemas written as people write them
and finds the submitted structure in what the registry serves back: keys in
their order, names and namespaces as written, comments kept, only insignificant
whitespace gone; with `normalize` Confluent's normalized text. Registers schemas with
metadata and rule sets and reads them back by id, by version and by lookup;
serializers configured with `use.latest.with.metadata` pick their major line.
Registers a schema with schema tags (over plain HTTP: the client has no tags
API) and finds them in the served text and through `findTags`; the client's
serializer and deserializer use the tagged schema.

Prints one line per check and a closing `N passed, N failed` line; exits 0
only when every check passed.
"""

import json
import sys
import urllib.request

from confluent_kafka.schema_registry import (
    Metadata,
    MetadataProperties,
    MetadataTags,
    Rule,
    RuleKind,
    RuleMode,
    RuleParams,
    RuleSet,
    Schema,
    SchemaRegistryClient,
)

from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from checks import Checks, expect_error

AVRO = """{
  "type": "record",
  "name": "User",
  "namespace": "com.example.users",
  "doc": "Someone who signed up.",
  "fields": [
    {"name": "id", "type": "long"},
    {"name": "email", "type": ["null", "string"], "default": null}
  ]
}"""

JSON_SCHEMA = """{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "Order",
  "type": "object",
  "properties": {
    "total": {"type": "number"},
    "id": {"type": "string"}
  },
  "required": ["id"]
}"""

PROTO = """syntax = "proto3";
package com.example.payments;

// A payment, as the ledger records it.
message Payment {
  string id = 1; // the ledger's id
  double amount = 2;
}
"""


def without_whitespace(text):
    """JSON text without insignificant whitespace, tokens as written."""
    return json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)


def main(url):
    client = SchemaRegistryClient({"url": url})
    check = Checks()

    @check("Avro: served as submitted, namespace and key order kept")
    def _():
        schema_id = client.register_schema("text-avro-value", Schema(AVRO, "AVRO"))
        served = client.get_schema(schema_id).schema_str
        assert served == without_whitespace(AVRO), served
        assert list(json.loads(served)) == ["type", "name", "namespace", "doc", "fields"], served
        latest = client.get_latest_version("text-avro-value")
        assert latest.schema.schema_str == served, latest.schema.schema_str

    @check("JSON Schema: served as submitted, keys not sorted")
    def _():
        schema_id = client.register_schema("text-json-value", Schema(JSON_SCHEMA, "JSON"))
        served = client.get_schema(schema_id).schema_str
        assert served == without_whitespace(JSON_SCHEMA), served
        assert list(json.loads(served)["properties"]) == ["total", "id"], served

    @check("Protobuf: served as submitted, comments kept")
    def _():
        schema_id = client.register_schema("text-proto-value", Schema(PROTO, "PROTOBUF"))
        served = client.get_schema(schema_id).schema_str
        assert served == PROTO, served
        assert "// A payment, as the ledger records it." in served, served

    @check("whitespace is not significant, key order is (as in Confluent)")
    def _():
        first = client.register_schema("text-json-value", Schema(JSON_SCHEMA, "JSON"))
        respaced = client.register_schema(
            "text-json-value", Schema(JSON_SCHEMA.replace("\n", " "), "JSON")
        )
        assert respaced == first, (respaced, first)
        reordered = json.dumps(dict(reversed(list(json.loads(JSON_SCHEMA).items()))))
        found = client.lookup_schema("text-json-value", Schema(reordered, "JSON"), normalize_schemas=True)
        assert found.schema_id == first, found

    @check("normalize stores the normalized form, one id for every spelling")
    def _():
        normalized = client.register_schema(
            "text-normalized-value", Schema(AVRO, "AVRO"), normalize_schemas=True
        )
        spelled = json.dumps(dict(reversed(list(json.loads(AVRO).items()))), indent=4)
        again = client.register_schema(
            "text-normalized-value", Schema(spelled, "AVRO"), normalize_schemas=True
        )
        assert again == normalized, (again, normalized)
        served = client.get_schema(normalized).schema_str
        # Confluent's normalized text: Avro Java's printing of the schema.
        expected = (
            '{"type":"record","name":"User","namespace":"com.example.users",'
            '"doc":"Someone who signed up.","fields":[{"name":"id","type":"long"},'
            '{"name":"email","type":["null","string"],"default":null}]}'
        )
        assert served == expected, served

    metadata = Metadata(
        tags=MetadataTags({"Order.total": ["PII"]}),
        properties=MetadataProperties({"owner": "payments", "major_version": "1"}),
        sensitive=["owner"],
    )
    rules = RuleSet(
        migration_rules=[],
        domain_rules=[
            Rule(
                name="totalPositive",
                doc="no free orders",
                kind=RuleKind.CONDITION,
                mode=RuleMode.WRITE,
                type="CEL",
                tags=None,
                params=RuleParams({"dlq.topic": "orders-dlq"}),
                expr="message.total > 0.0",
                on_success=None,
                on_failure="ERROR",
                disabled=False,
            )
        ],
    )
    contract = Schema(
        without_whitespace(JSON_SCHEMA), "JSON", metadata=metadata, rule_set=rules
    )

    @check("metadata and rule sets round-trip by id, version and lookup")
    def _():
        registered = client.register_schema_full_response("contract-value", contract)
        assert registered.schema.metadata == metadata, registered.schema.metadata
        assert registered.schema.rule_set.domain_rules == rules.domain_rules, registered
        by_id = client.get_schema(registered.schema_id)
        assert (by_id.metadata, by_id.rule_set.domain_rules) == (metadata, rules.domain_rules), by_id
        version = client.get_version("contract-value", 1)
        assert version.schema.metadata == metadata, version
        assert version.schema.rule_set.domain_rules[0].expr == "message.total > 0.0", version
        found = client.lookup_schema("contract-value", contract)
        assert found.schema_id == registered.schema_id, found

    @check("other metadata is another schema, a new version")
    def _():
        major2 = Metadata(
            tags=None, properties=MetadataProperties({"major_version": "2"}), sensitive=None
        )
        changed = Schema(contract.schema_str, "JSON", metadata=major2, rule_set=rules)
        registered = client.register_schema_full_response("contract-value", changed)
        assert registered.version == 2, registered
        latest = client.get_latest_version("contract-value").schema.metadata
        assert latest.properties == major2.properties, latest

    @check("a rule in the wrong list is refused with 422/42210")
    def _():
        bad = RuleSet(migration_rules=rules.domain_rules, domain_rules=[])
        expect_error(
            lambda: client.register_schema(
                "contract-value", Schema(contract.schema_str, "JSON", rule_set=bad)
            ),
            422,
            42210,
        )

    @check("use.latest.with.metadata serializers pick their major line")
    def _():
        line = lambda major, fields: Schema(  # noqa: E731
            json.dumps({"type": "record", "name": "Click", "fields": fields}),
            "AVRO",
            metadata=Metadata(
                tags=None, properties=MetadataProperties({"major_version": major}), sensitive=None
            ),
        )
        url_field = {"name": "url", "type": "string"}
        ref_field = {"name": "referrer", "type": ["null", "string"], "default": None}
        one = client.register_schema("clicks-value", line("1", [url_field]))
        two = client.register_schema("clicks-value", line("2", [url_field, ref_field]))
        assert one != two, (one, two)
        for major, expected in [("1", one), ("2", two)]:
            serializer = AvroSerializer(
                client,
                conf={"auto.register.schemas": False, "use.latest.with.metadata": {"major_version": major}},
            )
            framed = serializer({"url": "/", "referrer": None}, SerializationContext("clicks", MessageField.VALUE))
            assert int.from_bytes(framed[1:5], "big") == expected, (major, framed[:5], expected)

    def send(path, body):
        """POSTs `body` as JSON (what the client has no method for)."""
        request = urllib.request.Request(
            url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/vnd.schemaregistry.v1+json"},
            method="POST",
        )
        with urllib.request.urlopen(request) as answer:
            return json.load(answer)

    @check("schema tags: in the served text, found by findTags, used by the serdes")
    def _():
        pii = {"schemaEntity": {"entityPath": "com.example.users.User.email", "entityType": "sr_field"}, "tags": ["PII"]}
        registered = send(
            "/subjects/tags-avro-value/versions",
            {"schemaType": "AVRO", "schema": AVRO, "schemaTagsToAdd": [pii]},
        )
        latest = client.get_latest_version("tags-avro-value")
        assert latest.schema_id == registered["id"], (latest, registered)
        tagged = without_whitespace(AVRO).replace(
            '"default":null}', '"default":null,"confluent:tags":["PII"]}'
        )
        assert latest.schema.schema_str == tagged, latest.schema.schema_str
        with urllib.request.urlopen(f"{url}/schemas/ids/{registered['id']}?findTags=PII") as answer:
            assert json.load(answer)["schemaTags"] == [pii]
        context = SerializationContext("tags-avro", MessageField.VALUE)
        serializer = AvroSerializer(client, conf={"auto.register.schemas": False, "use.latest.version": True})
        framed = serializer({"id": 7, "email": "a@b.c"}, context)
        assert int.from_bytes(framed[1:5], "big") == registered["id"], framed[:5]
        assert AvroDeserializer(client)(framed, context) == {"id": 7, "email": "a@b.c"}

    return check.run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
