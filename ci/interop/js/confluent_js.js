// Confluent's JavaScript client (@confluentinc/schemaregistry) against
// charter-registry: registration and reads of Avro, JSON Schema and
// Protobuf schemas, lookups, config, errors, and records round-tripped
// through the Avro and JSON Schema serializers and deserializers.
// Usage: node confluent_js.js BASE_URL (registry/tests/interop.rs runs it).
'use strict';

const {
  SchemaRegistryClient,
  AvroSerializer,
  AvroDeserializer,
  JsonSerializer,
  JsonDeserializer,
  SerdeType,
  HeaderSchemaIdSerializer,
} = require('@confluentinc/schemaregistry');
const { Checks, expectError, assert } = require('./checks');

const base = process.argv[2];
if (!base) {
  console.error('usage: node confluent_js.js BASE_URL');
  process.exit(2);
}
const client = new SchemaRegistryClient({ baseURLs: [base], maxRetries: 0 });
const checks = new Checks();

const avro = JSON.stringify({
  type: 'record',
  name: 'User',
  namespace: 'js.interop',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'name', type: 'string' },
  ],
});
const jsonSchema = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Order',
  type: 'object',
  properties: { id: { type: 'integer' }, item: { type: 'string' } },
  required: ['id'],
  additionalProperties: false,
});
const proto = `syntax = "proto3";
package js.interop;

message Payment {
  string id = 1;
  double amount = 2;
}
`;

/** Registers `info` under `subject` and reads it back by id, by version and
 * as the latest; returns what the registry answered to the registration. */
async function registerAndReadBack(subject, info) {
  const registered = await client.registerFullResponse(subject, info);
  assert.ok(Number.isInteger(registered.id) && registered.id > 0, `id ${registered.id}`);
  const byId = await client.getBySubjectAndId(subject, registered.id);
  assert.equal(byId.schemaType ?? 'AVRO', info.schemaType ?? 'AVRO');
  const latest = await client.getLatestSchemaMetadata(subject);
  assert.equal(latest.id, registered.id);
  assert.equal(latest.subject, subject);
  assert.equal(latest.version, 1);
  const v1 = await client.getSchemaMetadata(subject, 1);
  assert.equal(v1.schema, latest.schema);
  assert.equal(await client.getId(subject, info), registered.id);
  assert.deepEqual(await client.getAllVersions(subject), [1]);
  return { registered, served: byId.schema };
}

checks.check('avro registers and reads back', async () => {
  const { served } = await registerAndReadBack('js-users-value', { schema: avro, schemaType: 'AVRO' });
  const parsed = JSON.parse(served);
  assert.equal(parsed.type, 'record');
  assert.match(parsed.name, /User$/);
  assert.deepEqual(parsed.fields.map((f) => f.name), ['id', 'name']);
});

checks.check('json schema registers and reads back', async () => {
  const { served } = await registerAndReadBack('js-orders-value', { schema: jsonSchema, schemaType: 'JSON' });
  const parsed = JSON.parse(served);
  assert.deepEqual(Object.keys(parsed.properties).sort(), ['id', 'item']);
  assert.deepEqual(parsed.required, ['id']);
});

checks.check('protobuf registers and reads back as .proto text', async () => {
  const { served } = await registerAndReadBack('js-payments-value', { schema: proto, schemaType: 'PROTOBUF' });
  assert.match(served, /message Payment/);
  assert.match(served, /double amount = 2;/);
});

checks.check('subjects are listed', async () => {
  const subjects = await client.getAllSubjects();
  for (const s of ['js-users-value', 'js-orders-value', 'js-payments-value']) {
    assert.ok(subjects.includes(s), `${s} in ${subjects}`);
  }
});

checks.check('an unknown subject is 404/40401', async () => {
  await expectError(() => client.getLatestSchemaMetadata('js-nobody-value'), 404, 40401);
});

checks.check('an incompatible change is refused with 409', async () => {
  const incompatible = JSON.stringify({
    type: 'record',
    name: 'User',
    namespace: 'js.interop',
    fields: [{ name: 'id', type: 'string' }],
  });
  assert.equal(await client.testSubjectCompatibility('js-users-value', { schema: incompatible }), false);
  await expectError(() => client.register('js-users-value', { schema: incompatible }), 409, 40901);
});

checks.check('compatibility is set and read per subject', async () => {
  await client.updateCompatibility('js-orders-value', 'FULL');
  assert.equal(await client.getCompatibility('js-orders-value'), 'FULL');
  assert.equal((await client.getDefaultConfig()).compatibilityLevel, 'BACKWARD');
});

checks.check('association reads answer an empty list', async () => {
  const found = await client.getAssociationsByResourceName('js-orders', '-', 'topic', ['value'], null, 0, -1);
  assert.deepEqual(found, []);
});

checks.check('an avro record round-trips through the serializer', async () => {
  const registered = await client.register('js-avro-topic-value', { schema: avro, schemaType: 'AVRO' });
  const ser = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true, autoRegisterSchemas: false });
  const de = new AvroDeserializer(client, SerdeType.VALUE, {});
  const record = { id: 42, name: 'Ada' };
  const bytes = await ser.serialize('js-avro-topic', record);
  assert.equal(bytes[0], 0, 'magic byte');
  assert.equal(bytes.readInt32BE(1), registered);
  assert.deepEqual({ ...(await de.deserialize('js-avro-topic', bytes)) }, record);
});

checks.check('an avro serializer registers the schema it infers', async () => {
  const ser = new AvroSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: true });
  const de = new AvroDeserializer(client, SerdeType.VALUE, {});
  const bytes = await ser.serialize('js-inferred-topic', { label: 'x', count: 3 });
  const latest = await client.getLatestSchemaMetadata('js-inferred-topic-value');
  assert.equal(bytes.readInt32BE(1), latest.id);
  assert.deepEqual({ ...(await de.deserialize('js-inferred-topic', bytes)) }, { label: 'x', count: 3 });
});

checks.check('a json record round-trips through the serializer', async () => {
  const ser = new JsonSerializer(client, SerdeType.VALUE, { useLatestVersion: true, autoRegisterSchemas: false, validate: true });
  const de = new JsonDeserializer(client, SerdeType.VALUE, { validate: true });
  await client.register('js-json-topic-value', { schema: jsonSchema, schemaType: 'JSON' });
  const record = { id: 7, item: 'book' };
  const bytes = await ser.serialize('js-json-topic', record);
  assert.equal(bytes[0], 0, 'magic byte');
  assert.deepEqual(await de.deserialize('js-json-topic', bytes), record);
  await assert.rejects(() => ser.serialize('js-json-topic', { item: 'no id' }));
});

checks.check('every schema has a guid, and is read back by it', async () => {
  const registered = await client.registerFullResponse('js-guid-value', { schema: avro, schemaType: 'AVRO' });
  assert.match(registered.guid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal((await client.getLatestSchemaMetadata('js-guid-value')).guid, registered.guid);
  const byGuid = await client.getByGuid(registered.guid);
  assert.equal(byGuid.schema, (await client.getBySubjectAndId('js-guid-value', registered.id)).schema);
});

checks.check('a record framed by its schema guid in a header round-trips', async () => {
  await client.register('js-header-topic-value', { schema: avro, schemaType: 'AVRO' });
  const ser = new AvroSerializer(client, SerdeType.VALUE, {
    useLatestVersion: true,
    autoRegisterSchemas: false,
    schemaIdSerializer: HeaderSchemaIdSerializer,
  });
  // A fresh client, so that the deserializer asks the registry by guid.
  const reader = new SchemaRegistryClient({ baseURLs: [base], maxRetries: 0 });
  const de = new AvroDeserializer(reader, SerdeType.VALUE, {});
  const headers = {};
  const record = { id: 7, name: 'Grace' };
  const bytes = await ser.serialize('js-header-topic', record, headers);
  const header = headers.__value_schema_id;
  assert.equal(header[0], 1, 'guid magic byte');
  assert.equal(header.length, 17);
  assert.deepEqual({ ...(await de.deserialize('js-header-topic', bytes, headers)) }, record);
});

checks.run();
