import type { z } from 'zod';
import { CONFIG_OPTIONS } from './schema.ts';

/** The default of an option as shown to people. */
function shownDefault(spec: { schema: z.ZodType; shownDefault?: string }): string {
  if (spec.shownDefault) return spec.shownDefault;
  const parsed = spec.schema.safeParse(undefined);
  if (!parsed.success || parsed.data === undefined) return '';
  const value = Array.isArray(parsed.data) ? parsed.data.join(',') : String(parsed.data);
  return value === '' ? '' : `\`${value}\``;
}

/** The configuration as a markdown table: variable, default, description. */
export function configTable(): string {
  const rows = Object.values(CONFIG_OPTIONS).map((spec) => `| \`${spec.env}\` | ${shownDefault(spec)} | ${spec.description} |`);
  return ['| variable | default | description |', '|---|---|---|', ...rows].join('\n');
}
