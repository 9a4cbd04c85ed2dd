"""Confluent's own Python client against a running charter-registry.

Usage: python confluent_python.py http://127.0.0.1:PORT

Drives confluent-kafka's SchemaRegistryClient through registration, lookup,
reads by id and version, config, mode, compatibility tests and deletion, then
round-trips a record through JSONSerializer/JSONDeserializer (which also asks
the associations API first and must fall back to `<topic>-value`).

Prints one line per check and a closing `N passed, N failed` line; exits 0
only when every check passed.
"""

import json
import sys

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from checks import Checks, expect_error

SUBJECT = "interop-orders-value"

ORDER_V1 = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Order",
    "type": "object",
    "properties": {"id": {"type": "string"}, "amount": {"type": "number"}},
    "required": ["id"],
    "additionalProperties": False,
}
# Compatible under BACKWARD: one more optional property in a closed model.
ORDER_V2 = dict(ORDER_V1, properties=dict(ORDER_V1["properties"], note={"type": "string"}))
# Incompatible under BACKWARD: `id` changes type.
ORDER_BAD = dict(ORDER_V1, properties={"id": {"type": "integer"}, "amount": {"type": "number"}})


def schema(document):
    return Schema(json.dumps(document), schema_type="JSON")


def main(url):
    client = SchemaRegistryClient({"url": url})
    check = Checks()

    state = {}

    @check("schema types")
    def _():
        assert set(client.get_schema_types()) == {"AVRO", "JSON", "PROTOBUF"}

    @check("register, and register again for the same id")
    def _():
        state["id1"] = client.register_schema(SUBJECT, schema(ORDER_V1))
        again = SchemaRegistryClient({"url": url}).register_schema(SUBJECT, schema(ORDER_V1))
        assert again == state["id1"], (again, state["id1"])

    @check("register full response")
    def _():
        full = SchemaRegistryClient({"url": url}).register_schema_full_response(SUBJECT, schema(ORDER_V1))
        assert full.schema_id == state["id1"] and full.version == 1, full

    @check("lookup")
    def _():
        found = client.lookup_schema(SUBJECT, schema(ORDER_V1))
        assert (found.schema_id, found.version, found.subject) == (state["id1"], 1, SUBJECT), found
        expect_error(lambda: client.lookup_schema(SUBJECT, schema(ORDER_BAD)), 404, 40403)
        expect_error(lambda: client.lookup_schema("interop-nobody", schema(ORDER_V1)), 404, 40401)

    @check("get schema by id")
    def _():
        got = client.get_schema(state["id1"])
        assert got.schema_type == "JSON", got.schema_type
        assert json.loads(got.schema_str) == ORDER_V1
        expect_error(lambda: SchemaRegistryClient({"url": url}).get_schema(999999), 404, 40403)

    @check("subjects and versions by id")
    def _():
        assert client.get_subjects_by_schema_id(state["id1"]) == [SUBJECT]
        versions = client.get_schema_versions(state["id1"])
        assert [(v.subject, v.version) for v in versions] == [(SUBJECT, 1)], versions

    @check("compatibility config")
    def _():
        assert client.get_compatibility() == "BACKWARD"
        expect_error(lambda: client.get_compatibility(SUBJECT), 404, 40408)
        client.set_compatibility(SUBJECT, "backward")
        assert client.get_compatibility(SUBJECT) == "BACKWARD"
        config = client.get_config(SUBJECT)
        assert config.compatibility_level.value == "BACKWARD", config

    @check("test compatibility")
    def _():
        assert client.test_compatibility(SUBJECT, schema(ORDER_V2)) is True
        assert client.test_compatibility(SUBJECT, schema(ORDER_BAD)) is False
        assert client.test_compatibility(SUBJECT, schema(ORDER_BAD), version=1, verbose=True) is False
        assert client.test_compatibility_all_versions(SUBJECT, schema(ORDER_V2)) is True

    @check("incompatible registration is refused with 409")
    def _():
        e = expect_error(lambda: client.register_schema(SUBJECT, schema(ORDER_BAD)), 409, 40901)
        assert "incompatible" in e.error_message, e.error_message

    @check("second version, latest and by number")
    def _():
        state["id2"] = client.register_schema(SUBJECT, schema(ORDER_V2))
        assert state["id2"] != state["id1"]
        latest = client.get_latest_version(SUBJECT)
        assert (latest.version, latest.schema_id) == (2, state["id2"]), latest
        first = client.get_version(SUBJECT, 1)
        assert json.loads(first.schema.schema_str) == ORDER_V1
        assert client.get_versions(SUBJECT) == [1, 2]
        assert SUBJECT in client.get_subjects()
        assert client.get_referenced_by(SUBJECT, 1) == []

    @check("mode")
    def _():
        assert client.update_mode(SUBJECT, "READONLY") == "READONLY"
        assert client.get_mode(SUBJECT) == "READONLY"
        expect_error(lambda: client.register_schema(SUBJECT, schema(dict(ORDER_V2, title="Other"))), 422, 42205)
        assert client.delete_mode(SUBJECT) == "READONLY"

    @check("JSONSerializer / JSONDeserializer round trip")
    def _():
        serializer = JSONSerializer(json.dumps(ORDER_V2), client)
        deserializer = JSONDeserializer(None, schema_registry_client=client)
        context = SerializationContext("interop-orders", MessageField.VALUE)
        record = {"id": "o-1", "amount": 12.5, "note": "rush"}
        payload = serializer(record, context)
        assert payload[0] == 0 and int.from_bytes(payload[1:5], "big") == state["id2"], payload[:5]
        assert deserializer(payload, context) == record

    @check("serializer refuses a record its schema rejects")
    def _():
        serializer = JSONSerializer(json.dumps(ORDER_V2), client)
        try:
            serializer({"amount": 1}, SerializationContext("interop-orders", MessageField.VALUE))
        except Exception as e:  # SerializationError
            assert "id" in str(e), e
        else:
            raise AssertionError("a record without `id` was serialized")

    @check("delete version and subject")
    def _():
        assert client.delete_version(SUBJECT, 2) == 2
        assert client.get_versions(SUBJECT) == [1]
        assert client.delete_subject(SUBJECT) == [1]
        assert client.delete_subject(SUBJECT, permanent=True) == [1, 2]
        assert SUBJECT not in client.get_subjects()
        expect_error(lambda: client.get_versions(SUBJECT), 404, 40401)

    @check("delete config")
    def _():
        client.set_compatibility(level="FULL")
        deleted = client.delete_config()
        assert deleted.compatibility_level.value == "FULL", deleted
        assert client.get_compatibility() == "BACKWARD"

    return check.run()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: confluent_python.py REGISTRY_URL")
    sys.exit(main(sys.argv[1]))
