"""Confluent's Python client against a registry `charter copy` filled.

Usage: python copied_registry.py http://127.0.0.1:PORT EXPECTED.json

EXPECTED.json (written by cli/tests/registry/copy.rs) names what the source
registry held: `ids` (every schema id with its schema text), `avro` and `json`
(a subject and the id its latest version had in the source), and `readonly`
(a subject in READONLY mode). The checks read every schema by its old id,
serialize and deserialize records through the target with Avro (a schema
with a reference, `use.latest.version`) and JSON Schema (found by lookup),
so the framed id is the source's, and see the READONLY subject refuse a
registration.

Prints one line per check and a closing `N passed, N failed` line; exits 0
only when every check passed.
"""

import json
import sys

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from checks import Checks, expect_error


def framed_id(payload):
    assert payload[0] == 0, payload[:5]
    return int.from_bytes(payload[1:5], "big")


def value(subject):
    """The context of a record value whose subject is `subject` (`<topic>-value`)."""
    assert subject.endswith("-value"), subject
    return SerializationContext(subject[: -len("-value")], MessageField.VALUE)


def main(url, expected_path):
    with open(expected_path, encoding="utf-8") as f:
        expected = json.load(f)

    def client():
        return SchemaRegistryClient({"url": url})

    check = Checks()

    @check("every schema is served under its id from the source")
    def _():
        for schema_id, text in expected["ids"].items():
            got = client().get_schema(int(schema_id))
            assert got.schema_str == text, (schema_id, got.schema_str, text)

    @check("Avro with a reference: use.latest.version frames the source's id; round trip")
    def _():
        subject, schema_id = expected["avro"]["subject"], expected["avro"]["id"]
        record = {"name": "Grace", "home": {"street": "1 Main St", "city": "Arlington"}}
        conf = {"auto.register.schemas": False, "use.latest.version": True}
        payload = AvroSerializer(client(), None, conf=conf)(record, value(subject))
        assert framed_id(payload) == schema_id, (payload[:5], schema_id)
        assert AvroDeserializer(client())(payload, value(subject)) == record

    @check("JSON Schema: the serializer finds the source's id by lookup; round trip")
    def _():
        subject, schema_id = expected["json"]["subject"], expected["json"]["id"]
        text = client().get_latest_version(subject).schema.schema_str
        conf = {"auto.register.schemas": False}
        record = {"id": "e-1", "kind": "created"}
        payload = JSONSerializer(text, client(), conf=conf)(record, value(subject))
        assert framed_id(payload) == schema_id, (payload[:5], schema_id)
        assert JSONDeserializer(None, schema_registry_client=client())(payload, value(subject)) == record

    @check("the READONLY subject refuses a registration")
    def _():
        subject = expected["readonly"]
        assert client().get_mode(subject) == "READONLY"
        document = Schema(json.dumps({"type": "object", "title": "new"}), schema_type="JSON")
        expect_error(lambda: client().register_schema(subject, document), 422, 42205)

    return check.run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
