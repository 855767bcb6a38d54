/** Validates responses and events against OpenAI's OpenAPI document (the shared reference copy) with ajv. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

const SPEC_PATH = '/work/shared/reference/openai-images.openapi.json';

const ajv = new Ajv({ strict: false, allErrors: true });
(addFormatsModule as unknown as (a: Ajv) => void)(ajv);
ajv.addFormat('unixtime', { type: 'number', validate: (n: number) => Number.isInteger(n) && n > 1_600_000_000 });
const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as { components: { schemas: Record<string, object> } };
ajv.addSchema({ $id: 'openai', components: spec.components });

/** Asserts `value` matches components/schemas/<name>, and also that it has no property the schema does not define. */
export function assertSchema(name: string, value: unknown, opts: { allowExtraFields?: string[] } = {}): void {
  const validate = ajv.getSchema(`openai#/components/schemas/${name}`);
  assert.ok(validate, `schema ${name} exists`);
  const ok = validate(value);
  assert.ok(ok, `${name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value).slice(0, 400)}`);
  const schema = spec.components.schemas[name] as { properties?: Record<string, unknown> };
  if (schema.properties && typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) assert.ok(key in schema.properties || opts.allowExtraFields?.includes(key), `${name}: unexpected field '${key}'`);
  }
}
