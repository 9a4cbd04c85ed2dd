"""Confluent's Python client registers schemas with CEL domain rules in a
running charter-registry, and its own serializers, with the client's CEL
executors, judge a set of records (issue #13).

Usage: python confluent_cel_rules.py http://127.0.0.1:PORT OUT_DIR

For each format (Avro, JSON Schema) it registers a schema whose rule set has
a `CEL` rule on the record and a `CEL_FIELD` rule on the fields tagged PII,
serializes every record with the client's serializer (rules executed as a
producer does), and writes to OUT_DIR:
- `<format>.ndjson`: the records, one per line (for Avro in the JSON
  encoding: these records have no unions, so it is the plain JSON);
- `<format>.rejected.json`: the 1-based lines the serializer refused
  because a rule failed.
The Rust test then runs `charter validate --subject` on the same records and
expects exactly those lines to fail.

Prints one line per check and a closing `N passed, N failed` line; exits 0
only when every check passed.
"""

import json
import os
import sys

from confluent_kafka.schema_registry import (
    Rule,
    RuleKind,
    RuleMode,
    RuleSet,
    Schema,
    SchemaRegistryClient,
)
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONSerializer
from confluent_kafka.schema_registry.rules.cel.cel_executor import CelExecutor
from confluent_kafka.schema_registry.rules.cel.cel_field_executor import CelFieldExecutor
from confluent_kafka.serialization import MessageField, SerializationContext
from confluent_kafka.schema_registry.serde import RuleConditionError

from checks import Checks

AVRO = """{
  "type": "record",
  "name": "Signup",
  "namespace": "com.acme.users",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "email", "type": "string", "confluent:tags": ["PII"]},
    {"name": "age", "type": "int"}
  ]
}"""

JSON_SCHEMA = """{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "Signup",
  "type": "object",
  "properties": {
    "id": {"type": "string"},
    "email": {"type": "string", "confluent:tags": ["PII"]},
    "age": {"type": "integer"}
  },
  "required": ["id", "email", "age"]
}"""

RULES = RuleSet(
    migration_rules=[],
    domain_rules=[
        Rule(
            name="adult",
            doc=None,
            kind=RuleKind.CONDITION,
            mode=RuleMode.WRITE,
            type="CEL",
            tags=None,
            params=None,
            expr="message.age >= 18",
            on_success=None,
            on_failure="ERROR",
            disabled=False,
        ),
        Rule(
            name="piiIsEmail",
            doc=None,
            kind=RuleKind.CONDITION,
            mode=RuleMode.WRITE,
            type="CEL_FIELD",
            tags=["PII"],
            params=None,
            expr="typeName == 'STRING' ; value.isEmail()",
            on_success=None,
            on_failure="ERROR",
            disabled=False,
        ),
    ],
)

RECORDS = [
    {"id": "u1", "email": "ada@example.com", "age": 36},
    {"id": "u2", "email": "bob@example.com", "age": 12},
    {"id": "u3", "email": "not an address", "age": 40},
    {"id": "u4", "email": "nope", "age": 3},
    {"id": "u5", "email": "eve@example.org", "age": 18},
]


def judge(serializer, topic):
    """The 1-based lines of RECORDS the serializer refuses for a rule."""
    rejected = []
    context = SerializationContext(topic, MessageField.VALUE)
    for line, record in enumerate(RECORDS, start=1):
        try:
            serializer(record, context)
        except Exception as e:  # noqa: BLE001 - the serializer wraps the rule's error
            cause = e
            while cause is not None and not isinstance(cause, RuleConditionError):
                cause = cause.__cause__ or cause.__context__
            assert cause is not None, f"line {line} refused for another reason: {e!r}"
            rejected.append(line)
    return rejected


def main(url, out):
    CelExecutor.register()
    CelFieldExecutor.register()
    client = SchemaRegistryClient({"url": url})
    check = Checks()
    conf = {"auto.register.schemas": False, "use.latest.version": True}

    def run(name, schema_type, text, serializer_type):
        subject = f"signups-{name}-value"
        registered = client.register_schema_full_response(
            subject, Schema(text, schema_type, rule_set=RULES)
        )
        assert registered.schema.rule_set.domain_rules == RULES.domain_rules, registered
        serializer = serializer_type(text, client, conf=conf) if schema_type == "JSON" else (
            serializer_type(client, text, conf=conf)
        )
        rejected = judge(serializer, f"signups-{name}")
        # Both rules fail some record, and one record passes only with both.
        assert rejected == [2, 3, 4], rejected
        with open(os.path.join(out, f"{name}.ndjson"), "w") as f:
            for record in RECORDS:
                f.write(json.dumps(record) + "\n")
        with open(os.path.join(out, f"{name}.rejected.json"), "w") as f:
            json.dump(rejected, f)

    @check("Avro: registered with CEL and CEL_FIELD rules, the serializer refuses lines 2-4")
    def _():
        run("avro", "AVRO", AVRO, AvroSerializer)

    @check("JSON Schema: registered with the same rules, the serializer refuses lines 2-4")
    def _():
        run("json", "JSON", JSON_SCHEMA, JSONSerializer)

    return check.run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
