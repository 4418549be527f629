import { randomUUID } from 'node:crypto';
import { type AttachmentValue, CHOICE_COLORS, type FieldChoice, type FieldType, type ViewFilter, type ViewSort } from '@tandem/protocol';
import type { Transaction } from '../db/database.ts';

/** A demo value before ids exist: choices by name, users by index in `userIds`, links by record key. */
type DemoValue = string | number | boolean | null | { user: number } | { links: readonly string[] } | readonly string[] | readonly AttachmentValue[];

interface DemoField {
  readonly name: string;
  readonly type: FieldType;
  readonly choices?: readonly string[];
  /** Key of the demo table a link field points at. */
  readonly linksTo?: string;
  readonly options?: Record<string, unknown>;
}

interface DemoView {
  readonly name: string;
  readonly filters: readonly { field: string; op: ViewFilter['op']; value?: string | number | boolean }[];
  readonly sorts: readonly { field: string; direction: ViewSort['direction'] }[];
  readonly hidden?: readonly string[];
}

interface DemoTable {
  readonly key: string;
  readonly name: string;
  readonly description: string;
  readonly fields: readonly DemoField[];
  /** Each record has a key (for links) and values by field name. */
  readonly records: readonly { key: string; by?: number; values: Readonly<Record<string, DemoValue>> }[];
  readonly views: readonly DemoView[];
}

/** A date `days` from today, as a `YYYY-MM-DD` value, so the demo always looks current. */
function day(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

const part = (
  key: string,
  number: string,
  description: string,
  category: string,
  onHand: number,
  reorder: number,
  cost: number,
  extra: Record<string, DemoValue>,
) => ({
  key,
  values: {
    'Part number': number,
    Description: description,
    Category: category,
    'On hand': onHand,
    'Reorder point': reorder,
    'Unit cost': cost,
    ...extra,
  },
});

const INVENTORY: DemoTable = {
  key: 'inventory',
  name: 'Inventory',
  description: 'Stock of raw material, purchased parts and consumables in the plant store.',
  fields: [
    { name: 'Part number', type: 'text' },
    { name: 'Description', type: 'text' },
    { name: 'Category', type: 'single_select', choices: ['Raw material', 'Fastener', 'Electrical', 'Hydraulic', 'Packaging'] },
    { name: 'On hand', type: 'number', options: { precision: 0 } },
    { name: 'Reorder point', type: 'number', options: { precision: 0 } },
    { name: 'Unit cost', type: 'number', options: { precision: 2 } },
    { name: 'Location', type: 'text' },
    { name: 'Supplier', type: 'text' },
    { name: 'Hazardous', type: 'checkbox' },
    { name: 'Last counted', type: 'date' },
    { name: 'Spec sheet', type: 'attachment' },
  ],
  records: [
    part('plate', 'STL-PLT-0600', 'Steel plate 6 mm, S355', 'Raw material', 140, 50, 38.5, {
      Location: 'A1-01',
      Supplier: 'Nordic Steel AB',
      'Last counted': day(-12),
      'Spec sheet': [{ name: 'S355-datasheet.pdf', url: 'https://files.example.com/specs/S355-datasheet.pdf', size: 284_113, mime_type: 'application/pdf' }],
    }),
    part('alubar', 'ALU-BAR-0400', 'Aluminium bar 40 mm, 6082-T6', 'Raw material', 64, 40, 22.9, {
      Location: 'A1-04',
      Supplier: 'AluForm GmbH',
      'Last counted': day(-12),
    }),
    part('sheet', 'SS-SHT-0120', 'Stainless sheet 1.2 mm, 304', 'Raw material', 22, 30, 61.2, {
      Location: 'A1-07',
      Supplier: 'Nordic Steel AB',
      'Last counted': day(-5),
    }),
    part('bolt', 'BLT-M10-040', 'Hex bolt M10×40, 8.8 zinc plated', 'Fastener', 2400, 1000, 0.18, {
      Location: 'B2-03',
      Supplier: 'Fastenal',
      'Last counted': day(-30),
    }),
    part('nut', 'NUT-M10', 'Hex nut M10, class 8, zinc plated', 'Fastener', 3100, 1000, 0.05, {
      Location: 'B2-04',
      Supplier: 'Fastenal',
      'Last counted': day(-30),
    }),
    part('washer', 'WSH-M10', 'Flat washer M10, DIN 125', 'Fastener', 450, 1000, 0.02, { Location: 'B2-05', Supplier: 'Fastenal', 'Last counted': day(-30) }),
    part('motor', 'MTR-075-3P', 'Motor 0.75 kW, 3-phase, IE3', 'Electrical', 8, 4, 212, {
      Location: 'C1-02',
      Supplier: 'ABB',
      'Last counted': day(-3),
      'Spec sheet': [{ name: 'M2BAX-80-075.pdf', url: 'https://files.example.com/specs/M2BAX-80-075.pdf', size: 1_048_220, mime_type: 'application/pdf' }],
    }),
    part('cable', 'CBL-4G15', 'Control cable 4G1.5 mm², per metre', 'Electrical', 320, 200, 1.35, {
      Location: 'C2-01',
      Supplier: 'Lapp',
      'Last counted': day(-3),
    }),
    part('sensor', 'SNS-PRX-M18', 'Inductive proximity sensor M18, PNP', 'Electrical', 3, 10, 27.4, {
      Location: 'C1-06',
      Supplier: 'Sick',
      'Last counted': day(-1),
    }),
    part('cylinder', 'HYD-CYL-5020', 'Hydraulic cylinder 50/20, stroke 200', 'Hydraulic', 6, 4, 189, {
      Location: 'D1-01',
      Supplier: 'Hydroline',
      'Last counted': day(-20),
    }),
    part('oil', 'HYD-OIL-46', 'Hydraulic oil ISO VG 46, 20 L', 'Hydraulic', 12, 6, 74.5, {
      Location: 'D2-02',
      Supplier: 'Shell',
      Hazardous: true,
      'Last counted': day(-20),
    }),
    part('hose', 'HOS-12-1000', 'Hydraulic hose 1/2", 1 m, crimped', 'Hydraulic', 18, 10, 16.8, {
      Location: 'D1-05',
      Supplier: 'Parker',
      'Last counted': day(-20),
    }),
    part('powder', 'PNT-RAL7035', 'Powder coat RAL 7035, 20 kg', 'Raw material', 9, 5, 142, { Location: 'E1-01', Supplier: 'Tiger Coatings', Hazardous: true }),
    part('crate', 'PKG-CRT-L', 'Export crate, large, heat-treated', 'Packaging', 14, 10, 48, { Location: 'F1-01', Supplier: 'Kistefabrikken' }),
    part('film', 'PKG-FLM-500', 'Stretch film 500 mm × 300 m', 'Packaging', 25, 12, 9.9, { Location: 'F1-03', Supplier: 'Kistefabrikken' }),
  ],
  views: [
    { name: 'Low stock', filters: [{ field: 'On hand', op: 'lte', value: 25 }], sorts: [{ field: 'On hand', direction: 'asc' }] },
    {
      name: 'By category',
      filters: [],
      sorts: [
        { field: 'Category', direction: 'asc' },
        { field: 'Part number', direction: 'asc' },
      ],
      hidden: ['Spec sheet'],
    },
  ],
};

const wo = (
  key: string,
  number: string,
  product: string,
  status: string,
  priority: string,
  quantity: number,
  due: number,
  assignee: number,
  parts: string[],
  extra: Record<string, DemoValue> = {},
) => ({
  key,
  values: {
    'WO number': number,
    Product: product,
    Status: status,
    Priority: priority,
    Quantity: quantity,
    'Due date': day(due),
    Assignee: { user: assignee },
    Parts: { links: parts },
    ...extra,
  },
});

const WORK_ORDERS: DemoTable = {
  key: 'work_orders',
  name: 'Work Orders',
  description: 'Production orders on the shop floor, from planning to final inspection.',
  fields: [
    { name: 'WO number', type: 'text' },
    { name: 'Product', type: 'text' },
    { name: 'Status', type: 'single_select', choices: ['Planned', 'Released', 'In progress', 'On hold', 'Quality check', 'Done'] },
    { name: 'Priority', type: 'single_select', choices: ['Low', 'Normal', 'High', 'Urgent'] },
    { name: 'Quantity', type: 'number', options: { precision: 0 } },
    { name: 'Due date', type: 'date' },
    { name: 'Assignee', type: 'user' },
    { name: 'Parts', type: 'link', linksTo: 'inventory' },
    { name: 'Inspection passed', type: 'checkbox' },
    { name: 'Notes', type: 'long_text' },
    { name: 'Work instructions', type: 'rich_text' },
  ],
  records: [
    wo('wo51', 'WO-24051', 'Conveyor frame CF-1200', 'Done', 'Normal', 4, -9, 1, ['plate', 'bolt', 'nut', 'washer'], { 'Inspection passed': true }),
    wo('wo52', 'WO-24052', 'Hydraulic press guard HPG-3', 'Done', 'High', 2, -6, 1, ['sheet', 'bolt', 'nut'], { 'Inspection passed': true }),
    wo('wo53', 'WO-24053', 'Control cabinet CC-40', 'Quality check', 'High', 3, -1, 0, ['cable', 'sensor'], {
      Notes: 'Wiring done. Insulation test pending on cabinet 3.',
    }),
    wo('wo54', 'WO-24054', 'Pallet lifter PL-500', 'In progress', 'Urgent', 6, 1, 1, ['cylinder', 'hose', 'oil', 'plate'], {
      Notes: 'Customer called twice. Cylinders arrived Monday; welding of masts under way.',
      'Work instructions':
        'Weld the masts in jig 4, then check them square to 1 mm.\nFit the cylinders with new seals; torque the mounts to 85 Nm.\nPressure test at 180 bar for 10 minutes before painting.',
    }),
    wo('wo55', 'WO-24055', 'Machine base MB-800', 'In progress', 'Normal', 2, 3, 1, ['plate', 'bolt', 'nut', 'washer', 'powder']),
    wo('wo56', 'WO-24056', 'Conveyor drive unit CD-75', 'Released', 'Normal', 5, 5, 1, ['motor', 'cable', 'alubar']),
    wo('wo57', 'WO-24057', 'Sensor bracket SB-18', 'Released', 'Low', 40, 7, 1, ['alubar', 'sensor', 'bolt']),
    wo('wo58', 'WO-24058', 'Hydraulic power pack HP-2', 'On hold', 'High', 1, 8, 0, ['cylinder', 'hose', 'oil', 'motor'], {
      Notes: 'Waiting for ECO-0112 (hose routing) to be approved.',
    }),
    wo('wo59', 'WO-24059', 'Guard rail GR-2000', 'Planned', 'Normal', 12, 12, 1, ['plate', 'bolt', 'nut', 'powder']),
    wo('wo60', 'WO-24060', 'Control cabinet CC-40', 'Planned', 'Normal', 2, 14, 0, ['cable', 'sensor']),
    wo('wo61', 'WO-24061', 'Export crate kit', 'Planned', 'Low', 10, 15, 1, ['crate', 'film']),
    wo('wo62', 'WO-24062', 'Pallet lifter PL-500', 'Planned', 'High', 4, 18, 1, ['cylinder', 'hose', 'plate']),
    wo('wo63', 'WO-24063', 'Stainless wash table WT-12', 'Released', 'Normal', 3, 10, 1, ['sheet', 'bolt']),
    wo('wo64', 'WO-24064', 'Conveyor frame CF-1200', 'Planned', 'Normal', 6, 21, 1, ['plate', 'bolt', 'nut', 'washer']),
  ],
  views: [
    {
      name: 'Open work orders',
      filters: [{ field: 'Status', op: 'neq', value: 'Done' }],
      sorts: [{ field: 'Due date', direction: 'asc' }],
    },
    {
      name: 'My work orders',
      filters: [
        { field: 'Assignee', op: 'eq', value: 'me' },
        { field: 'Status', op: 'neq', value: 'Done' },
      ],
      sorts: [
        { field: 'Priority', direction: 'desc' },
        { field: 'Due date', direction: 'asc' },
      ],
    },
  ],
};

const ECOS: DemoTable = {
  key: 'ecos',
  name: 'Engineering Change Orders',
  description: 'Proposed and approved changes to parts and products, with the work orders they affect.',
  fields: [
    { name: 'ECO number', type: 'text' },
    { name: 'Title', type: 'text' },
    { name: 'Status', type: 'single_select', choices: ['Draft', 'In review', 'Approved', 'Rejected', 'Implemented'] },
    { name: 'Reason', type: 'single_select', choices: ['Cost reduction', 'Quality issue', 'Customer request', 'Supplier change', 'Safety'] },
    { name: 'Affected parts', type: 'link', linksTo: 'inventory' },
    { name: 'Affected work orders', type: 'link', linksTo: 'work_orders' },
    { name: 'Owner', type: 'user' },
    { name: 'Submitted', type: 'date' },
    { name: 'Effective date', type: 'date' },
    { name: 'Description', type: 'long_text' },
    { name: 'Attachments', type: 'attachment' },
  ],
  records: [
    {
      key: 'eco108',
      values: {
        'ECO number': 'ECO-0108',
        Title: 'Replace M10 washers with flanged bolts on conveyor frames',
        Status: 'Implemented',
        Reason: 'Cost reduction',
        'Affected parts': { links: ['bolt', 'washer'] },
        'Affected work orders': { links: ['wo51'] },
        Owner: { user: 1 },
        Submitted: day(-40),
        'Effective date': day(-20),
        Description: 'Flanged bolts remove one part and one assembly step per joint. Saves about 6 minutes per frame.',
      },
    },
    {
      key: 'eco110',
      values: {
        'ECO number': 'ECO-0110',
        Title: 'Thicker guard sheet after impact test failure',
        Status: 'Approved',
        Reason: 'Safety',
        'Affected parts': { links: ['sheet'] },
        'Affected work orders': { links: ['wo52', 'wo63'] },
        Owner: { user: 0 },
        Submitted: day(-15),
        'Effective date': day(2),
        Description: 'The 1.2 mm guard deformed in the 500 J impact test. Move to 1.5 mm and add a folded edge.',
        Attachments: [
          { name: 'impact-test-report.pdf', url: 'https://files.example.com/eco/0110/impact-test-report.pdf', size: 734_002, mime_type: 'application/pdf' },
        ],
      },
    },
    {
      key: 'eco111',
      values: {
        'ECO number': 'ECO-0111',
        Title: 'Second source for proximity sensors',
        Status: 'In review',
        Reason: 'Supplier change',
        'Affected parts': { links: ['sensor'] },
        'Affected work orders': { links: ['wo53', 'wo57', 'wo60'] },
        Owner: { user: 1 },
        Submitted: day(-4),
        Description: 'Current supplier quotes 10 weeks. Qualify an equivalent M18 PNP sensor with the same connector.',
      },
    },
    {
      key: 'eco112',
      values: {
        'ECO number': 'ECO-0112',
        Title: 'Re-route pressure hose on power pack HP-2',
        Status: 'In review',
        Reason: 'Quality issue',
        'Affected parts': { links: ['hose'] },
        'Affected work orders': { links: ['wo58'] },
        Owner: { user: 1 },
        Submitted: day(-2),
        Description: 'Hose chafes against the motor bracket. New routing with a 90° fitting and a clamp.',
        Attachments: [{ name: 'hp2-hose-routing.png', url: 'https://files.example.com/eco/0112/hp2-hose-routing.png', size: 412_876, mime_type: 'image/png' }],
      },
    },
    {
      key: 'eco113',
      values: {
        'ECO number': 'ECO-0113',
        Title: 'Customer colour option RAL 5010 for guard rails',
        Status: 'Draft',
        Reason: 'Customer request',
        'Affected parts': { links: ['powder'] },
        'Affected work orders': { links: ['wo59'] },
        Owner: { user: 0 },
        Description: 'Offer gentian blue as an option. Needs a second powder in stock and a colour change slot in the booth.',
      },
    },
    {
      key: 'eco109',
      values: {
        'ECO number': 'ECO-0109',
        Title: 'Aluminium sensor bracket instead of steel',
        Status: 'Rejected',
        Reason: 'Cost reduction',
        'Affected parts': { links: ['alubar', 'plate'] },
        Owner: { user: 1 },
        Submitted: day(-25),
        Description: 'Rejected: vibration tests showed the aluminium bracket loosens at the conveyor drive.',
      },
    },
    {
      key: 'eco114',
      values: {
        'ECO number': 'ECO-0114',
        Title: 'Motor upgrade to IE4 on conveyor drives',
        Status: 'Draft',
        Reason: 'Supplier change',
        'Affected parts': { links: ['motor'] },
        'Affected work orders': { links: ['wo56'] },
        Owner: { user: 1 },
        Description: 'IE3 motors are being phased out by the supplier next year.',
      },
    },
  ],
  views: [
    {
      name: 'Awaiting review',
      filters: [{ field: 'Status', op: 'eq', value: 'In review' }],
      sorts: [{ field: 'Submitted', direction: 'asc' }],
    },
  ],
};

/** The demo tables, in creation order (a link's target comes before the table linking to it). */
export const DEMO_TABLES: readonly DemoTable[] = [INVENTORY, WORK_ORDERS, ECOS];

interface CreatedField {
  readonly id: string;
  readonly spec: DemoField;
  readonly choices: readonly FieldChoice[];
}

/**
 * Creates the demo tables of a small manufacturing company — Inventory, Work Orders and
 * Engineering Change Orders — with typed fields, links between them, three dozen records and a
 * few saved views. Straight SQL in the caller's transaction; no activity or events (nobody is
 * watching a database that did not exist a moment ago). `userIds` are the owner, the engineer
 * and the reviewer, in that order.
 */
export async function seedDemoTables(tx: Transaction, workspaceId: string, userIds: readonly string[]): Promise<void> {
  const tableIds = new Map(DEMO_TABLES.map((t) => [t.key, randomUUID()]));
  const recordIds = new Map(DEMO_TABLES.flatMap((t) => t.records.map((r) => [r.key, randomUUID()] as const)));
  const user = (i: number) => userIds[i] ?? userIds[0] ?? null;

  for (const [position, table] of DEMO_TABLES.entries()) {
    const tableId = tableIds.get(table.key) ?? '';
    await tx.query('INSERT INTO tables (id, workspace_id, name, description, position, created_by) VALUES ($1, $2, $3, $4, $5, $6)', [
      tableId,
      workspaceId,
      table.name,
      table.description,
      position,
      user(0),
    ]);
    const fields = new Map<string, CreatedField>();
    for (const [fieldPosition, spec] of table.fields.entries()) {
      const choices = (spec.choices ?? []).map((name, i) => ({
        id: `sel_${randomUUID().replaceAll('-', '').slice(0, 12)}`,
        name,
        color: CHOICE_COLORS[i % CHOICE_COLORS.length] ?? 'gray',
      }));
      const options = spec.choices ? { choices } : spec.linksTo ? { linked_table_id: tableIds.get(spec.linksTo) } : (spec.options ?? {});
      const field: CreatedField = { id: randomUUID(), spec, choices };
      fields.set(spec.name, field);
      await tx.query('INSERT INTO fields (id, table_id, name, type, options, position) VALUES ($1, $2, $3, $4, $5::jsonb, $6)', [
        field.id,
        tableId,
        spec.name,
        spec.type,
        JSON.stringify(options),
        fieldPosition,
      ]);
    }
    const resolve = (field: CreatedField, value: DemoValue): unknown => {
      if (field.spec.type === 'single_select') return field.choices.find((c) => c.name === value)?.id ?? null;
      if (value !== null && typeof value === 'object' && 'user' in value) return user(value.user);
      if (value !== null && typeof value === 'object' && 'links' in value) return value.links.map((key) => recordIds.get(key));
      return value;
    };
    for (const record of table.records) {
      const values: Record<string, unknown> = {};
      for (const [name, raw] of Object.entries(record.values)) {
        const field = fields.get(name);
        const value = field ? resolve(field, raw) : null;
        if (field && value !== null && value !== undefined) values[field.id] = value;
      }
      const versions = Object.fromEntries(Object.keys(values).map((id) => [id, 1]));
      const author = user(record.by ?? 0);
      await tx.query(
        `INSERT INTO records (id, table_id, "values", field_versions, version, created_by, updated_by) VALUES ($1, $2, $3::jsonb, $4::jsonb, 1, $5, $5)`,
        [recordIds.get(record.key) ?? '', tableId, JSON.stringify(values), JSON.stringify(versions), author],
      );
    }
    for (const [viewPosition, view] of table.views.entries()) {
      const fieldId = (name: string) => fields.get(name)?.id ?? name;
      const filters = view.filters.map((f) => {
        const field = fields.get(f.field);
        const value = field?.spec.type === 'single_select' ? resolve(field, f.value ?? null) : f.value;
        return value === undefined ? { field_id: fieldId(f.field), op: f.op } : { field_id: fieldId(f.field), op: f.op, value };
      });
      await tx.query(
        `INSERT INTO views (id, table_id, name, filters, sorts, hidden_fields, position, created_by) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7, $8)`,
        [
          randomUUID(),
          tableId,
          view.name,
          JSON.stringify(filters),
          JSON.stringify(view.sorts.map((s) => ({ field_id: fieldId(s.field), direction: s.direction }))),
          JSON.stringify((view.hidden ?? []).map(fieldId)),
          viewPosition,
          user(0),
        ],
      );
    }
  }
}
