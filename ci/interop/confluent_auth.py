"""Confluent's own Python client against a charter-registry that checks
who is asking: HTTP Basic (`basic.auth.user.info`), bearer tokens
(`bearer.auth.token`), TLS (`ssl.ca.location`) and client certificates
(`ssl.certificate.location`, `ssl.key.location`).

Usage:
  python confluent_auth.py URL [--basic USER:PASSWORD] [--bearer TOKEN]
                               [--ca CA.pem [--cert CERT.pem --key KEY.pem]]
                               [--wrong-basic USER:PASSWORD] [--wrong-bearer TOKEN]

For each credential given (Basic, bearer, or the TLS settings alone when
neither is), registers a JSON Schema in a subject of its own, reads it back
by id, by version and by lookup, and round-trips a record through
JSONSerializer/JSONDeserializer. Each wrong credential must fail in the
client with HTTP 401 and error code 40101.

Prints one line per check and a closing `N passed, N failed` line; exits 0
only when every check passed.
"""

import argparse
import json
import sys

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from checks import Checks, expect_error

ORDER = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Order",
    "type": "object",
    "properties": {"id": {"type": "string"}, "amount": {"type": "number"}},
    "required": ["id"],
    "additionalProperties": False,
}


def configuration(args, credential):
    """The client configuration for one credential: ("basic", "u:p"),
    ("bearer", "token") or (None, None) for TLS settings alone."""
    conf = {"url": args.url}
    kind, value = credential
    if kind == "basic":
        conf["basic.auth.user.info"] = value
    elif kind == "bearer":
        conf["bearer.auth.credentials.source"] = "STATIC_TOKEN"
        conf["bearer.auth.token"] = value
        # Confluent Cloud's routing headers: required by the client, ignored
        # by Charter.
        conf["bearer.auth.logical.cluster"] = "lsrc-charter"
        conf["bearer.auth.identity.pool.id"] = "pool-charter"
    if args.ca:
        conf["ssl.ca.location"] = args.ca
    if args.cert:
        conf["ssl.certificate.location"] = args.cert
        conf["ssl.key.location"] = args.key
    return conf


def main(args):
    check = Checks()
    credentials = []
    if args.basic:
        credentials.append(("basic", args.basic))
    if args.bearer:
        credentials.append(("bearer", args.bearer))
    if not credentials:
        credentials.append((None, None))

    for kind, value in credentials:
        label = kind or "certificate"
        client = SchemaRegistryClient(configuration(args, (kind, value)))
        subject = f"orders-{label}-value"
        topic = f"orders-{label}"
        state = {}

        @check(f"{label}: register")
        def _(client=client, subject=subject, state=state):
            state["id"] = client.register_schema(subject, Schema(json.dumps(ORDER), schema_type="JSON"))

        @check(f"{label}: read by id, by version, by lookup")
        def _(client=client, subject=subject, state=state):
            assert json.loads(client.get_schema(state["id"]).schema_str) == ORDER
            latest = client.get_latest_version(subject)
            assert (latest.version, latest.schema_id) == (1, state["id"]), latest
            found = client.lookup_schema(subject, Schema(json.dumps(ORDER), schema_type="JSON"))
            assert found.schema_id == state["id"], found
            assert subject in client.get_subjects()

        @check(f"{label}: JSONSerializer / JSONDeserializer round trip")
        def _(client=client, topic=topic, state=state):
            serializer = JSONSerializer(json.dumps(ORDER), client)
            deserializer = JSONDeserializer(None, schema_registry_client=client)
            context = SerializationContext(topic, MessageField.VALUE)
            record = {"id": "o-1", "amount": 12.5}
            payload = serializer(record, context)
            assert payload[0] == 0 and int.from_bytes(payload[1:5], "big") == state["id"], payload[:5]
            assert deserializer(payload, context) == record

    wrong = []
    if args.wrong_basic:
        wrong.append(("basic", args.wrong_basic))
    if args.wrong_bearer:
        wrong.append(("bearer", args.wrong_bearer))
    for kind, value in wrong:

        @check(f"wrong {kind} credentials: 401 in the client")
        def _(kind=kind, value=value):
            client = SchemaRegistryClient(configuration(args, (kind, value)))
            expect_error(lambda: client.get_subjects(), 401, 40101)
            expect_error(
                lambda: client.register_schema("orders-value", Schema(json.dumps(ORDER), schema_type="JSON")),
                401,
                40101,
            )

    return check.run()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--basic")
    parser.add_argument("--bearer")
    parser.add_argument("--ca")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--wrong-basic")
    parser.add_argument("--wrong-bearer")
    sys.exit(main(parser.parse_args()))
