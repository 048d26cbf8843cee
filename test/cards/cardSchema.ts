// Checks card JSON against Microsoft's Adaptive Cards 1.5 JSON schema (draft-06; kept in test/fixtures with its
// SOURCE note). The schema names itself with draft-04's `id`, which Ajv 8 reads only as `$id`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json';

export const CARD_SCHEMA_PATH = join(__dirname, '..', 'fixtures', 'adaptive-cards', 'adaptive-card-1.5.schema.json');

export function cardSchemaValidator(): (card: unknown) => string[] {
  const { id, ...schema } = JSON.parse(readFileSync(CARD_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  // Not strict: the schema carries documentation keywords of its own ("version", "features").
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addMetaSchema(draft06);
  addFormats(ajv);
  const validate = ajv.compile({ ...schema, $id: String(id) });
  return (card) => (validate(card) ? [] : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`));
}
