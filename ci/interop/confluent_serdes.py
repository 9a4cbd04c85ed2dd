"""Confluent's own Avro and Protobuf serializers against a running charter-registry.

Usage: python confluent_serdes.py http://127.0.0.1:PORT

Round-trips records through confluent-kafka's AvroSerializer/AvroDeserializer
and ProtobufSerializer/ProtobufDeserializer, with the registry in the middle:
auto-registration, a schema with a reference (an Avro named type from another
subject; a `.proto` file importing another, which the Protobuf serializer
registers under the file's name, plus the built-in timestamp.proto), the wire
framing and the id in it, reads of the registered Protobuf schema as text and
as a serialized descriptor, and an incompatible Avro evolution refused with 409.

The Protobuf message classes are built here without protoc, from
FileDescriptorProtos in a private DescriptorPool.

Prints one line per check and a closing `N passed, N failed` line; exits 0
only when every check passed.
"""

import base64
import datetime
import decimal
import json
import sys

from confluent_kafka.schema_registry import (
    Schema,
    SchemaReference,
    SchemaRegistryClient,
    header_schema_id_serializer,
)
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from fastavro import parse_schema
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, timestamp_pb2

from checks import Checks, expect_error

FDP = descriptor_pb2.FieldDescriptorProto

# --- Avro -------------------------------------------------------------------

PAYMENT_V1 = {
    "type": "record",
    "name": "Payment",
    "namespace": "com.example.payments",
    "fields": [
        {"name": "id", "type": "string"},
        {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
        {"name": "paid_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["PENDING", "SETTLED", "FAILED"]}},
        {
            "name": "payer",
            "type": {
                "type": "record",
                "name": "Payer",
                "fields": [
                    {"name": "name", "type": "string"},
                    {"name": "email", "type": ["null", "string"], "default": None},
                ],
            },
        },
        {"name": "note", "type": ["null", "string", "long"], "default": None},
    ],
}
# Compatible under BACKWARD: a field with a default.
PAYMENT_V2 = dict(PAYMENT_V1, fields=PAYMENT_V1["fields"] + [{"name": "channel", "type": "string", "default": "web"}])
# Incompatible under BACKWARD: a field without a default, which v1 data lacks.
PAYMENT_BAD = dict(PAYMENT_V1, fields=PAYMENT_V1["fields"] + [{"name": "channel", "type": "string"}])

PAYMENT = {
    "id": "p-1",
    "amount": decimal.Decimal("1234.50"),
    "paid_at": datetime.datetime(2024, 5, 17, 12, 30, 45, 123000, tzinfo=datetime.timezone.utc),
    "status": "SETTLED",
    "payer": {"name": "Ada", "email": "ada@example.com"},
    "note": 42,
}

ADDRESS = {
    "type": "record",
    "name": "Address",
    "namespace": "com.example.common",
    "fields": [{"name": "street", "type": "string"}, {"name": "city", "type": "string"}],
}
CUSTOMER = {
    "type": "record",
    "name": "Customer",
    "namespace": "com.example.customers",
    "fields": [
        {"name": "name", "type": "string"},
        {"name": "home", "type": "com.example.common.Address"},
        {"name": "work", "type": ["null", "com.example.common.Address"], "default": None},
    ],
}

# --- Protobuf ---------------------------------------------------------------


def field(name, number, kind, type_name=None, label=FDP.LABEL_OPTIONAL, oneof=None):
    f = FDP(name=name, number=number, type=kind, label=label, json_name=_camel(name))
    if type_name:
        f.type_name = type_name
    if oneof is not None:
        f.oneof_index = oneof
    return f


def _camel(name):
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def money_file():
    """`common/money.proto`: the file another imports (a reference)."""
    fd = descriptor_pb2.FileDescriptorProto(name="common/money.proto", package="interop.common", syntax="proto3")
    money = fd.message_type.add(name="Money")
    money.field.extend(
        [
            field("currency", 1, FDP.TYPE_STRING),
            field("units", 2, FDP.TYPE_INT64),
            field("nanos", 3, FDP.TYPE_INT32),
        ]
    )
    return fd


def order_file(total_type=FDP.TYPE_MESSAGE):
    """`orders/order.proto`: imports money.proto and the well-known timestamp.proto.

    `total_type` other than a message makes the incompatible variant.
    """
    fd = descriptor_pb2.FileDescriptorProto(name="orders/order.proto", package="interop.orders", syntax="proto3")
    fd.dependency.extend(["common/money.proto", "google/protobuf/timestamp.proto"])
    order = fd.message_type.add(name="Order")
    order.field.extend(
        [
            field("id", 1, FDP.TYPE_STRING),
            field("total", 2, total_type, ".interop.common.Money" if total_type == FDP.TYPE_MESSAGE else None),
            field("placed_at", 3, FDP.TYPE_MESSAGE, ".google.protobuf.Timestamp"),
            field("lines", 4, FDP.TYPE_MESSAGE, ".interop.orders.Order.Line", FDP.LABEL_REPEATED),
            field("status", 5, FDP.TYPE_ENUM, ".interop.orders.Status"),
            field("labels", 6, FDP.TYPE_MESSAGE, ".interop.orders.Order.LabelsEntry", FDP.LABEL_REPEATED),
            field("card", 7, FDP.TYPE_STRING, oneof=0),
            field("voucher", 8, FDP.TYPE_STRING, oneof=0),
        ]
    )
    order.oneof_decl.add(name="payment")
    line = order.nested_type.add(name="Line")
    line.field.extend([field("sku", 1, FDP.TYPE_STRING), field("quantity", 2, FDP.TYPE_INT32)])
    labels = order.nested_type.add(name="LabelsEntry")
    labels.field.extend([field("key", 1, FDP.TYPE_STRING), field("value", 2, FDP.TYPE_STRING)])
    labels.options.map_entry = True
    refund = fd.message_type.add(name="Refund")
    refund.field.extend(
        [field("order_id", 1, FDP.TYPE_STRING), field("amount", 2, FDP.TYPE_MESSAGE, ".interop.common.Money")]
    )
    status = fd.enum_type.add(name="Status")
    for number, name in enumerate(["STATUS_UNSPECIFIED", "STATUS_OPEN", "STATUS_SHIPPED"]):
        status.value.add(name=name, number=number)
    return fd


def message_classes(order_fd):
    """Order and Refund classes from a private pool holding the three files."""
    pool = descriptor_pool.DescriptorPool()
    timestamp = descriptor_pb2.FileDescriptorProto()
    timestamp_pb2.DESCRIPTOR.CopyToProto(timestamp)
    for fd in (timestamp, money_file(), order_fd):
        pool.Add(fd)
    return tuple(
        message_factory.GetMessageClass(pool.FindMessageTypeByName(f"interop.orders.{name}"))
        for name in ("Order", "Refund")
    )


Order, Refund = message_classes(order_file())

# --- checks -----------------------------------------------------------------


def framing(payload):
    """(magic byte, schema id, rest) of a Confluent-framed value."""
    return payload[0], int.from_bytes(payload[1:5], "big"), payload[5:]


def avro(document, references=None):
    """An Avro registration of `document`."""
    return Schema(json.dumps(document), schema_type="AVRO", references=references or [])


def value(topic):
    """The context of a record value on `topic` (subject `<topic>-value`)."""
    return SerializationContext(topic, MessageField.VALUE)


def main(url):
    def client():
        # A fresh client per use where its cache would hide what the registry answers.
        return SchemaRegistryClient({"url": url})

    check = Checks()

    state = {}

    @check("Avro: serializer auto-registers; framing carries the registry's id")
    def _():
        payload = AvroSerializer(client(), json.dumps(PAYMENT_V1))(PAYMENT, value("interop-payments"))
        magic, schema_id, body = framing(payload)
        assert magic == 0, payload[:5]
        found = client().lookup_schema("interop-payments-value", avro(PAYMENT_V1))
        assert (found.schema_id, found.version) == (schema_id, 1), (found, schema_id)
        assert client().get_latest_version("interop-payments-value").schema_id == schema_id
        assert len(body) > 0
        state["payment"] = payload
        state["payment_id"] = schema_id

    @check("Avro: deserializer round trip (nested record, enum, union, decimal, timestamp)")
    def _():
        got = AvroDeserializer(client())(state["payment"], value("interop-payments"))
        assert got == PAYMENT, got

    @check("Avro: the writer schema by id is the registered schema, as fastavro reads it")
    def _():
        got = client().get_schema(state["payment_id"])
        assert got.schema_type == "AVRO", got.schema_type
        # The registry serves its canonical text (full names, no `namespace`
        # key), the same schema as the posted one down to defaults and logical types.
        assert parse_schema(json.loads(got.schema_str)) == parse_schema(PAYMENT_V1), got.schema_str

    @check("Avro: a record framed by its schema GUID in a header round-trips; the GUID reads back")
    def _():
        registered = client().register_schema_full_response("interop-headers-value", avro(PAYMENT_V1))
        assert registered.guid, registered
        conf = {"auto.register.schemas": False, "use.latest.version": True, "schema.id.serializer": header_schema_id_serializer}
        headers = {}
        ctx = SerializationContext("interop-headers", MessageField.VALUE, headers)
        payload = AvroSerializer(client(), None, conf=conf)(PAYMENT, ctx)
        assert headers["__value_schema_id"][0] == 1 and len(headers["__value_schema_id"]) == 17, headers
        assert payload[0] != 0, "no 5-byte prefix"
        assert AvroDeserializer(client())(payload, ctx) == PAYMENT
        by_guid = client().get_schema_by_guid(registered.guid)
        assert by_guid.schema_str == client().get_schema(registered.schema_id).schema_str

    @check("Avro: incompatible evolution refused with 409")
    def _():
        e = expect_error(lambda: client().register_schema("interop-payments-value", avro(PAYMENT_BAD)), 409, 40901)
        assert "channel" in e.error_message, e.error_message
        serializer = AvroSerializer(client(), json.dumps(PAYMENT_BAD))
        expect_error(lambda: serializer(dict(PAYMENT, channel="app"), value("interop-payments")), 409, 40901)
        assert client().get_versions("interop-payments-value") == [1]

    @check("Avro: compatible evolution; a v2 reader reads v1 data with the default")
    def _():
        serializer = AvroSerializer(client(), json.dumps(PAYMENT_V2))
        payload = serializer(dict(PAYMENT, channel="app"), value("interop-payments"))
        _, schema_id, _ = framing(payload)
        assert schema_id != state["payment_id"]
        assert client().get_versions("interop-payments-value") == [1, 2]
        reader = AvroDeserializer(client(), json.dumps(PAYMENT_V2))
        assert reader(state["payment"], value("interop-payments")) == dict(PAYMENT, channel="web")
        assert reader(payload, value("interop-payments")) == dict(PAYMENT, channel="app")

    @check("Avro: a schema with a reference, registered by hand, serialized with auto.register off")
    def _():
        address = client().register_schema_full_response("interop-address", avro(ADDRESS))
        assert address.version == 1, address
        references = [SchemaReference("com.example.common.Address", "interop-address", 1)]
        registered = client().register_schema_full_response("interop-customers-value", avro(CUSTOMER, references))
        latest = client().get_latest_version("interop-customers-value")
        assert latest.schema_id == registered.schema_id, (latest, registered)
        assert [(r.name, r.subject, r.version) for r in latest.schema.references] == [
            ("com.example.common.Address", "interop-address", 1)
        ], latest.schema.references
        assert client().get_referenced_by("interop-address", 1) == [registered.schema_id]
        record = {"name": "Grace", "home": {"street": "1 Main St", "city": "Arlington"}, "work": None}
        serializer = AvroSerializer(client(), avro(CUSTOMER, references), conf={"auto.register.schemas": False})
        payload = serializer(record, value("interop-customers"))
        assert framing(payload)[:2] == (0, registered.schema_id), payload[:5]
        assert AvroDeserializer(client())(payload, value("interop-customers")) == record
        state["customer"] = (registered.schema_id, record)

    @check("Avro: a schema with a reference, serialized with use.latest.version")
    def _():
        schema_id, record = state["customer"]
        record = dict(record, work={"street": "2 Side St", "city": "Boston"})
        conf = {"auto.register.schemas": False, "use.latest.version": True}
        # No schema of its own: the serializer writes with the subject's latest
        # version, fetching its reference from the registry.
        serializer = AvroSerializer(client(), None, conf=conf)
        payload = serializer(record, value("interop-customers"))
        assert framing(payload)[:2] == (0, schema_id), payload[:5]
        assert AvroDeserializer(client())(payload, value("interop-customers")) == record

    @check("Protobuf: serializer registers the import under its file name, then the schema")
    def _():
        order = Order(id="o-1", status=2, card="4242")
        order.total.currency, order.total.units, order.total.nanos = "EUR", 12, 500_000_000
        order.placed_at.FromDatetime(datetime.datetime(2024, 5, 17, 12, 30, 45))
        order.lines.add(sku="book", quantity=2)
        order.lines.add(sku="pen", quantity=10)
        order.labels["gift"] = "yes"
        payload = ProtobufSerializer(Order, client())(order, value("interop-orders"))
        magic, schema_id, rest = framing(payload)
        assert magic == 0 and rest[0] == 0, payload[:6]  # message index [0]: a single 0
        subjects = client().get_subjects()
        assert "common/money.proto" in subjects, subjects
        assert not any(s.startswith("google/") for s in subjects), subjects
        latest = client().get_latest_version("interop-orders-value")
        assert (latest.schema_id, latest.version) == (schema_id, 1), latest
        assert [(r.name, r.subject, r.version) for r in latest.schema.references] == [
            ("common/money.proto", "common/money.proto", 1)
        ], latest.schema.references
        state["order"] = (order, payload, schema_id)

    @check("Protobuf: with skip.known.types off, the well-known import is a subject too")
    def _():
        order, _, schema_id = state["order"]
        serializer = ProtobufSerializer(Order, client(), {"skip.known.types": False})
        payload = serializer(order, value("interop-orders-known"))
        assert framing(payload)[1] != schema_id  # other references, another schema
        latest = client().get_latest_version("interop-orders-known-value")
        assert [(r.name, r.subject, r.version) for r in latest.schema.references] == [
            ("common/money.proto", "common/money.proto", 1),
            ("google/protobuf/timestamp.proto", "google/protobuf/timestamp.proto", 1),
        ], latest.schema.references
        timestamp = client().get_version("google/protobuf/timestamp.proto", 1, fmt="serialized")
        fd = descriptor_pb2.FileDescriptorProto.FromString(base64.standard_b64decode(timestamp.schema.schema_str))
        assert (fd.package, [m.name for m in fd.message_type]) == ("google.protobuf", ["Timestamp"]), fd
        assert ProtobufDeserializer(Order, {}, client())(payload, value("interop-orders-known")) == order

    @check("Protobuf: deserializer round trip")
    def _():
        order, payload, _ = state["order"]
        got = ProtobufDeserializer(Order, {}, client())(payload, value("interop-orders"))
        assert got == order, got

    @check("Protobuf: second message of the file, framed with its message index")
    def _():
        refund = Refund(order_id="o-1")
        refund.amount.currency, refund.amount.units = "EUR", 3
        payload = ProtobufSerializer(Refund, client())(refund, value("interop-refunds"))
        magic, schema_id, rest = framing(payload)
        assert magic == 0 and rest[:2] == b"\x02\x02", payload[:7]  # zigzag varints: one index, 1
        assert schema_id == state["order"][2], (schema_id, state["order"][2])
        assert ProtobufDeserializer(Refund, {}, client())(payload, value("interop-refunds")) == refund

    @check("Protobuf: get_schema by id as .proto text and as a serialized descriptor")
    def _():
        schema_id = state["order"][2]
        text = client().get_schema(schema_id)
        assert text.schema_type == "PROTOBUF", text.schema_type
        for needle in ('import "common/money.proto"', "message Order", "message Refund", "oneof payment"):
            assert needle in text.schema_str, (needle, text.schema_str)
        assert [(r.name, r.subject, r.version) for r in text.references] == [
            ("common/money.proto", "common/money.proto", 1)
        ], text.references
        serialized = client().get_schema(schema_id, fmt="serialized")
        fd = descriptor_pb2.FileDescriptorProto.FromString(base64.standard_b64decode(serialized.schema_str))
        assert [m.name for m in fd.message_type] == ["Order", "Refund"], fd
        assert set(fd.dependency) == {"common/money.proto", "google/protobuf/timestamp.proto"}, fd.dependency
        money = client().get_version("common/money.proto", 1, fmt="serialized")
        fd = descriptor_pb2.FileDescriptorProto.FromString(base64.standard_b64decode(money.schema.schema_str))
        assert (fd.package, [m.name for m in fd.message_type]) == ("interop.common", ["Money"]), fd
        state["order_text"] = text

    @check("Protobuf: lookup_schema by descriptor and by text finds the registered version")
    def _():
        schema_id = state["order"][2]
        references = [SchemaReference("common/money.proto", "common/money.proto", 1)]
        descriptor = base64.standard_b64encode(Order.DESCRIPTOR.file.serialized_pb).decode("ascii")
        for schema_str in (descriptor, state["order_text"].schema_str):
            found = client().lookup_schema("interop-orders-value", Schema(schema_str, "PROTOBUF", references))
            assert (found.schema_id, found.version, found.subject) == (schema_id, 1, "interop-orders-value"), found
        other, _ = message_classes(order_file(total_type=FDP.TYPE_STRING))
        other = base64.standard_b64encode(other.DESCRIPTOR.file.serialized_pb).decode("ascii")
        expect_error(
            lambda: client().lookup_schema("interop-orders-value", Schema(other, "PROTOBUF", references)), 404, 40403
        )

    @check("Protobuf: a wire-incompatible change is refused with 409")
    def _():
        bad, _ = message_classes(order_file(total_type=FDP.TYPE_STRING))
        references = [SchemaReference("common/money.proto", "common/money.proto", 1)]
        descriptor = base64.standard_b64encode(bad.DESCRIPTOR.file.serialized_pb).decode("ascii")
        expect_error(
            lambda: client().register_schema("interop-orders-value", Schema(descriptor, "PROTOBUF", references)),
            409,
            40901,
        )

    return check.run()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: confluent_serdes.py REGISTRY_URL")
    sys.exit(main(sys.argv[1]))
