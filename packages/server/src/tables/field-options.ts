import { randomUUID } from 'node:crypto';
import { CHOICE_COLORS, type FieldChoice, type FieldType, NUMBER_FORMATS } from '@tandem/protocol';
import { z } from 'zod';
import type { Queryable } from '../db/database.ts';
import { errors } from '../errors/app-error.ts';

const choiceName = z.string().trim().min(1).max(100);
/** A choice as clients give it: `{name, id?, color?}`, or just its name (`"Ready"`). */
const choiceInput = z.union([
  choiceName.transform((name): { name: string; id?: string; color?: string } => ({ name })),
  z.object({
    id: z.string().trim().min(1).max(64).optional(),
    name: choiceName,
    color: z.enum(CHOICE_COLORS).optional(),
  }),
]);

/** Options each field type accepts, as given by clients (ids and colours of choices optional, a bare name is a choice). */
const OPTION_SCHEMAS: Record<FieldType, z.ZodType> = {
  text: z.object({}).strict(),
  long_text: z.object({}).strict(),
  rich_text: z.object({}).strict(),
  number: z
    .object({
      precision: z.number().int().min(0).max(10).optional(),
      format: z.enum(NUMBER_FORMATS).optional(),
      currency: z
        .string()
        .regex(/^[A-Z]{3}$/, 'a currency is a three-letter ISO 4217 code such as EUR')
        .refine((code) => supportedCurrency(code), 'unknown currency code')
        .optional(),
    })
    .strict()
    .refine((o) => o.format !== 'currency' || o.currency !== undefined, { message: 'a currency format needs a currency code', path: ['currency'] }),
  checkbox: z.object({}).strict(),
  date: z.object({ include_time: z.boolean().optional() }).strict(),
  single_select: z.object({ choices: z.array(choiceInput).max(500).default([]) }).strict(),
  multi_select: z.object({ choices: z.array(choiceInput).max(500).default([]) }).strict(),
  user: z.object({}).strict(),
  link: z.object({ linked_table_id: z.uuid() }).strict(),
  attachment: z.object({}).strict(),
};

let currencies: ReadonlySet<string> | undefined;
/** Whether `code` is an ISO 4217 currency the runtime (and so a browser) can format. */
function supportedCurrency(code: string): boolean {
  currencies ??= new Set(Intl.supportedValuesOf('currency'));
  return currencies.has(code);
}

/** Options of a field after validation: plain JSON, choices always with id and colour. */
export type FieldOptions = Readonly<Record<string, unknown>>;

/** The choices of a select field (empty for other types). */
export function choicesOf(options: FieldOptions): readonly FieldChoice[] {
  const choices = options.choices;
  return Array.isArray(choices) ? (choices as FieldChoice[]) : [];
}

/** The table a link field points at, or null for other types. */
export function linkedTableOf(options: FieldOptions): string | null {
  return typeof options.linked_table_id === 'string' ? options.linked_table_id : null;
}

/**
 * Validates the options of a field of `type` in `workspaceId`: unknown keys are refused, select
 * choices get ids and colours and must have distinct names, and a link must point at a table of
 * the same workspace. `fieldName` is only used in messages.
 */
export async function normaliseOptions(db: Queryable, workspaceId: string, type: FieldType, raw: unknown, fieldName: string): Promise<FieldOptions> {
  const parsed = OPTION_SCHEMAS[type].safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` (options.${issue.path.join('.')})` : '';
    throw errors.invalid(`Options of field "${fieldName}" are not valid for type ${type}${where}: ${issue?.message ?? 'invalid'}.`, {
      field: 'options',
      issues: parsed.error.issues,
    });
  }
  const options = parsed.data as Record<string, unknown>;
  if (type === 'single_select' || type === 'multi_select') {
    options.choices = normaliseChoices(options.choices as z.output<typeof choiceInput>[], fieldName);
  }
  if (type === 'link') {
    const [table] = await db.query('SELECT id FROM tables WHERE id = $1 AND workspace_id = $2', [options.linked_table_id as string, workspaceId]);
    if (!table) throw errors.invalid(`Field "${fieldName}" links to a table that does not exist in this workspace.`, { field: 'options.linked_table_id' });
  }
  return options;
}

function normaliseChoices(input: readonly z.output<typeof choiceInput>[], fieldName: string): FieldChoice[] {
  const names = new Set<string>();
  const ids = new Set<string>();
  return input.map((c, i) => {
    const key = c.name.toLowerCase();
    if (names.has(key)) throw errors.invalid(`Field "${fieldName}" has the choice "${c.name}" twice.`, { field: 'options.choices' });
    names.add(key);
    const id = c.id ?? `sel_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    if (ids.has(id)) throw errors.invalid(`Field "${fieldName}" has the choice id "${id}" twice.`, { field: 'options.choices' });
    ids.add(id);
    return { id, name: c.name, color: c.color ?? CHOICE_COLORS[i % CHOICE_COLORS.length] ?? 'gray' };
  });
}
