import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { labJsonSchema } from './schema';

const file = fileURLToPath(new URL('./lab.schema.json', import.meta.url));

describe('lab.schema.json', () => {
  it('is in sync with the zod schema (regenerate with UPDATE_LAB_SCHEMA=1)', () => {
    const expected = JSON.stringify(labJsonSchema(), null, 2) + '\n';
    if (process.env.UPDATE_LAB_SCHEMA === '1') writeFileSync(file, expected);
    expect(readFileSync(file, 'utf8')).toBe(expected);
  });
});
