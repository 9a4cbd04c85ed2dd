"""Schema contexts through Confluent's Python client against a running charter-registry.

Usage: python confluent_contexts.py http://127.0.0.1:PORT

A subject named `:.ctx1:orders-value` lives in context `.ctx1`: it gets the
context's own ids (1, while the default context already holds ids 1 and 2),
a read by id naming it reads the context's schema, `get_contexts` lists the
context, and a context-level config applies to its subjects. An Avro
serializer whose subject name strategy qualifies the subject frames the
context's id, and both a deserializer with that strategy and a default one
(whose unqualified subject finds the context's schema as Confluent's
registry falls back) read the record back.

Prints one line per check and a closing `N passed, N failed` line; exits 0
only when every check passed.
"""

import json
import struct
import sys

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from checks import Checks, expect_error


def record(name, *fields):
    return {
        "type": "record",
        "name": name,
        "namespace": "interop.contexts",
        "fields": [{"name": f, "type": "string"} for f in fields],
    }


ORDER = record("Order", "id")
ORDER_BAD = record("Order", "id", "sku")  # a field without a default: BACKWARD refuses it
FILLER = record("Filler", "a")
OTHER = record("Other", "b")


def avro(document):
    return Schema(json.dumps(document), schema_type="AVRO")


def in_context(ctx, record_name):
    """The subject name strategy of a producer writing to context `.ctx1`."""
    return f":.ctx1:{ctx.topic}-value"


def main(url):
    def client():
        # A fresh client per use, so that its cache never hides an answer.
        return SchemaRegistryClient({"url": url})

    check = Checks()
    state = {}

    @check("a context subject gets the context's own id")
    def _():
        assert client().register_schema("filler-value", avro(FILLER)) == 1
        assert client().register_schema("other-value", avro(OTHER)) == 2
        assert client().register_schema(":.ctx1:orders-value", avro(ORDER)) == 1
        found = client().lookup_schema(":.ctx1:orders-value", avro(ORDER))
        assert (found.schema_id, found.version) == (1, 1), found

    @check("a read by id naming the context subject reads the context's schema")
    def _():
        in_ctx = client().get_schema(1, subject_name=":.ctx1:orders-value")
        assert json.loads(in_ctx.schema_str)["name"] == "Order", in_ctx.schema_str
        default = client().get_schema(1)
        assert json.loads(default.schema_str)["name"] == "Filler", default.schema_str
        expect_error(lambda: client().get_schema(2, subject_name=":.ctx1:orders-value"), 404, 40403)

    @check("get_contexts lists the context")
    def _():
        assert client().get_contexts() == [".", ".ctx1"], client().get_contexts()

    @check("a serializer writing to the context frames the context's id")
    def _():
        serializer = AvroSerializer(client(), json.dumps(ORDER), conf={"subject.name.strategy": in_context})
        payload = serializer({"id": "o-1"}, SerializationContext("orders", MessageField.VALUE))
        magic, schema_id = struct.unpack(">bI", payload[:5])
        assert (magic, schema_id) == (0, 1), payload[:5]
        state["payload"] = payload

    @check("deserializers read the record back, with the context strategy and without")
    def _():
        ctx = SerializationContext("orders", MessageField.VALUE)
        qualified = AvroDeserializer(client(), conf={"subject.name.strategy": in_context})
        assert qualified(state["payload"], ctx) == {"id": "o-1"}
        # The default strategy asks for id 1 with subject `orders-value`,
        # which holds no id 1 in the default context: the registry finds
        # `:.ctx1:orders-value` holding it in `.ctx1`.
        assert AvroDeserializer(client())(state["payload"], ctx) == {"id": "o-1"}

    @check("the context-level config applies to the context's subjects")
    def _():
        expect_error(lambda: client().register_schema(":.ctx1:orders-value", avro(ORDER_BAD)), 409, 40901)
        client().set_compatibility(":.ctx1:", "NONE")
        assert client().register_schema(":.ctx1:orders-value", avro(ORDER_BAD)) == 2
        assert client().get_compatibility(":.ctx1:") == "NONE"
        expect_error(lambda: client().register_schema("filler-value", avro(record("Filler", "a", "c"))), 409, 40901)

    return check.run()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: confluent_contexts.py REGISTRY_URL")
    sys.exit(main(sys.argv[1]))
