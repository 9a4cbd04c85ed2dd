// Confluent's JavaScript client (@confluentinc/schemaregistry) against
// charter-registry, issue #13: the schema text as registered (Avro, JSON
// Schema and Protobuf read back as submitted, minus insignificant
// whitespace), metadata and rule sets round-tripped, and the latest version
// with given metadata (what `useLatestWithMetadata` serializers ask).
// Usage: node confluent_js_contracts.js BASE_URL (registry/tests/interop.rs runs it).
'use strict';

const {
  SchemaRegistryClient,
  AvroSerializer,
  SerdeType,
} = require('@confluentinc/schemaregistry');
const { Checks, expectError, assert } = require('./checks');

const base = process.argv[2];
if (!base) {
  console.error('usage: node confluent_js_contracts.js BASE_URL');
  process.exit(2);
}
const client = new SchemaRegistryClient({ baseURLs: [base], maxRetries: 0 });
const checks = new Checks();

const avro = `{
  "type": "record",
  "name": "User",
  "namespace": "js.contracts",
  "fields": [
    {"name": "id", "type": "long"},
    {"name": "email", "type": ["null", "string"], "default": null}
  ]
}`;
const jsonSchema = `{
  "type": "object",
  "properties": {"total": {"type": "number"}, "id": {"type": "string"}},
  "required": ["id"]
}`;
const proto = `syntax = "proto3";
package js.contracts;

// A payment, as the ledger records it.
message Payment {
  string id = 1; // the ledger's id
  double amount = 2;
}
`;

/** JSON text without insignificant whitespace, keys in their order. */
const compact = (text) => JSON.stringify(JSON.parse(text));

checks.check('avro is served as submitted, namespace and key order kept', async () => {
  const id = await client.register('jsc-users-value', { schema: avro, schemaType: 'AVRO' });
  const served = (await client.getBySubjectAndId('jsc-users-value', id)).schema;
  assert.equal(served, compact(avro));
  assert.deepEqual(Object.keys(JSON.parse(served)), ['type', 'name', 'namespace', 'fields']);
});

checks.check('json schema is served as submitted, keys not sorted', async () => {
  const id = await client.register('jsc-orders-value', { schema: jsonSchema, schemaType: 'JSON' });
  const served = (await client.getBySubjectAndId('jsc-orders-value', id)).schema;
  assert.equal(served, compact(jsonSchema));
  assert.deepEqual(Object.keys(JSON.parse(served).properties), ['total', 'id']);
});

checks.check('protobuf is served as submitted, comments kept', async () => {
  const id = await client.register('jsc-payments-value', { schema: proto, schemaType: 'PROTOBUF' });
  const served = (await client.getBySubjectAndId('jsc-payments-value', id)).schema;
  assert.equal(served, proto);
});

const metadata = {
  tags: { 'Order.total': ['PII'] },
  properties: { owner: 'payments', major_version: '1' },
  sensitive: ['owner'],
};
const ruleSet = {
  domainRules: [
    { name: 'totalPositive', kind: 'CONDITION', mode: 'WRITE', type: 'CEL', expr: 'message.total > 0.0', onFailure: 'ERROR', disabled: false },
  ],
};

checks.check('metadata and rule sets round-trip', async () => {
  const info = { schema: compact(jsonSchema), schemaType: 'JSON', metadata, ruleSet };
  const registered = await client.registerFullResponse('jsc-contract-value', info);
  assert.deepEqual(registered.metadata, metadata);
  assert.deepEqual(registered.ruleSet, ruleSet);
  const byId = await client.getBySubjectAndId('jsc-contract-value', registered.id);
  assert.deepEqual([byId.metadata, byId.ruleSet], [metadata, ruleSet]);
  const v1 = await client.getSchemaMetadata('jsc-contract-value', 1);
  assert.deepEqual([v1.metadata, v1.ruleSet], [metadata, ruleSet]);
  assert.equal(await client.getId('jsc-contract-value', info), registered.id);
});

checks.check('a domain rule in UPGRADE mode is refused with 422/42210', async () => {
  const bad = { domainRules: [{ ...ruleSet.domainRules[0], mode: 'UPGRADE' }] };
  await expectError(
    () => client.register('jsc-contract-value', { schema: compact(jsonSchema), schemaType: 'JSON', ruleSet: bad }),
    422,
    42210,
  );
});

checks.check('the latest version with metadata picks the major line', async () => {
  const line = (major, fields) => ({
    schema: JSON.stringify({ type: 'record', name: 'Click', fields }),
    schemaType: 'AVRO',
    metadata: { properties: { major_version: major } },
  });
  const url = { name: 'url', type: 'string' };
  const referrer = { name: 'referrer', type: ['null', 'string'], default: null };
  const one = await client.register('jsc-clicks-value', line('1', [url]));
  const two = await client.register('jsc-clicks-value', line('2', [url, referrer]));
  assert.notEqual(one, two);
  const found = await client.getLatestWithMetadata('jsc-clicks-value', { major_version: '1' }, false);
  assert.equal(found.id, one);
  for (const [major, expected] of [['1', one], ['2', two]]) {
    const ser = new AvroSerializer(client, SerdeType.VALUE, {
      autoRegisterSchemas: false,
      useLatestWithMetadata: { major_version: major },
    });
    const bytes = await ser.serialize('jsc-clicks', { url: '/', referrer: null });
    assert.equal(bytes.readInt32BE(1), expected, `major ${major}`);
  }
  await expectError(() => client.getLatestWithMetadata('jsc-clicks-value', { major_version: '9' }, false), 404, 40403);
});

checks.run();
