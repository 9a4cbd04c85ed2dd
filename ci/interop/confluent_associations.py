"""Confluent 8.2's associations against a running charter-registry, through
confluent-kafka's own client and serializers.

Usage: python confluent_associations.py http://127.0.0.1:PORT

`create_association` binds topic `orders` (in cluster `lkc-1`) to subject
`orders-contract`; an AvroSerializer with the ASSOCIATED subject name
strategy then serializes against `orders-contract` (the latest version, or
auto-registering into it), and an AvroDeserializer reads the record back.
`delete_associations` removes the binding, and a new serializer falls back
to `orders-value`. A STRONG association created with its schema registers
it into `:.lkc-1:payments-value`, which the strategy finds too, and a
cascading delete takes that subject with it.

Prints one line per check and a closing `N passed, N failed` line; exits 0
only when every check passed.
"""

import struct
import sys

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.common.schema_registry_client import (
    AssociationCreateOrUpdateInfo,
    AssociationCreateOrUpdateRequest,
)
from confluent_kafka.serialization import MessageField, SerializationContext

from checks import Checks, expect_error

CLUSTER = "lkc-1"
ORDER = """{"type": "record", "name": "Order", "namespace": "com.example",
  "fields": [{"name": "id", "type": "string"}, {"name": "total", "type": "double"}]}"""
PAYMENT = """{"type": "record", "name": "Payment", "namespace": "com.example",
  "fields": [{"name": "id", "type": "string"}]}"""
STRONG_SUBJECT = f":.{CLUSTER}:payments-value"

client = SchemaRegistryClient({"url": sys.argv[1]})
checks = Checks()
state = {}


def value_of(topic):
    return SerializationContext(topic, MessageField.VALUE)


def associated_serializer(schema, **conf):
    """An AvroSerializer choosing its subject by the topic's association."""
    settings = {
        "subject.name.strategy.type": "ASSOCIATED",
        "subject.name.strategy.conf": {"subject.name.strategy.kafka.cluster.id": CLUSTER},
    }
    settings.update(conf)
    return AvroSerializer(client, schema, conf=settings)


def framed_id(payload):
    """The schema id in a record's Confluent framing."""
    assert payload[0] == 0, payload[:5]
    return struct.unpack(">I", payload[1:5])[0]


@checks("create_association binds topic orders to subject orders-contract")
def create_weak():
    state["contract_id"] = client.register_schema("orders-contract", Schema(ORDER, "AVRO"))
    request = AssociationCreateOrUpdateRequest(
        resource_name="orders",
        resource_namespace=CLUSTER,
        resource_id="orders-topic-id",
        resource_type="topic",
        associations=[AssociationCreateOrUpdateInfo(subject="orders-contract", association_type="value")],
    )
    response = client.create_association(request)
    assert response.resource_id == "orders-topic-id", response
    [info] = response.associations
    assert (info.subject, info.association_type, info.lifecycle) == ("orders-contract", "value", "WEAK"), info
    # An idempotent retry succeeds and changes nothing.
    client.create_association(request)
    found = client.get_associations_by_resource_name("orders", "-", "topic", ["value"])
    assert [(a.subject, a.resource_id) for a in found] == [("orders-contract", "orders-topic-id")], found
    assert len(found[0].guid) == 36, found[0]


@checks("an ASSOCIATED serializer uses the associated subject, a deserializer reads it back")
def serialize_through_association():
    order = {"id": "o-1", "total": 12.5}
    latest = associated_serializer(ORDER, **{"auto.register.schemas": False, "use.latest.version": True})
    payload = latest(order, value_of("orders"))
    assert framed_id(payload) == state["contract_id"], (framed_id(payload), state["contract_id"])
    registering = associated_serializer(ORDER)
    assert framed_id(registering(order, value_of("orders"))) == state["contract_id"]
    assert AvroDeserializer(client)(payload, value_of("orders")) == order
    subjects = client.get_subjects()
    assert "orders-contract" in subjects and "orders-value" not in subjects, subjects


@checks("delete_associations unbinds the topic: the serializer falls back to orders-value")
def delete_weak():
    client.delete_associations("orders-topic-id", "topic", ["value"])
    assert client.get_associations_by_resource_name("orders", "-", "topic", ["value"]) == []
    expect_error(lambda: client.delete_associations("orders-topic-id", "topic", ["value"]), 404, 40410)
    payload = associated_serializer(ORDER)({"id": "o-2", "total": 1.0}, value_of("orders"))
    registered = client.get_latest_version("orders-value")
    assert framed_id(payload) == registered.schema_id, (framed_id(payload), registered.schema_id)
    assert client.get_versions("orders-contract") == [1]


@checks("a STRONG association registers its schema, serializes through it, and cascades")
def strong_association():
    request = AssociationCreateOrUpdateRequest(
        resource_name="payments",
        resource_namespace=CLUSTER,
        resource_id="payments-topic-id",
        associations=[AssociationCreateOrUpdateInfo(schema=Schema(PAYMENT, "AVRO"))],
    )
    [info] = client.create_association(request).associations
    assert (info.subject, info.lifecycle) == (STRONG_SUBJECT, "STRONG"), info
    registered = client.get_latest_version(STRONG_SUBJECT)
    serializer = associated_serializer(PAYMENT, **{"auto.register.schemas": False, "use.latest.version": True})
    payload = serializer({"id": "p-1"}, value_of("payments"))
    assert framed_id(payload) == registered.schema_id
    # Frozen: only a cascading delete removes it, and its subject with it.
    expect_error(lambda: client.delete_associations("payments-topic-id"), 409, 40908)
    client.delete_associations("payments-topic-id", cascade_lifecycle=True)
    assert STRONG_SUBJECT not in client.get_subjects()
    assert client.get_associations_by_resource_name("payments", CLUSTER) == []


sys.exit(checks.run())
