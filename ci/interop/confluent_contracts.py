"""Confluent's own Python client against a running charter-registry: the
schema text as registered, and data contracts (issue #13).

Usage: python confluent_contracts.py http://127.0.0.1:PORT

Registers Avro, JSON Schema and Protobuf schemas written as people write them
and finds the submitted structure in what the registry serves back: keys in
their order, names and namespaces as written, comments kept, only insignificant
whitespace gone; with `normalize` the normalized form.

Prints one line per check and a closing `N passed, N failed` line; exits 0
only when every check passed.
"""

import json
import re
import sys

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

from checks import Checks

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
        assert re.search(r'"name":"com\.example\.users\.User"', served), served

    return check.run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
