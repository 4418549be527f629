import { describe, expect, it } from 'vitest';
import { parseCellText } from '../src/grid/cell-text.ts';
import { formatNumber, numberDisplayOf } from '../src/grid/number-format.ts';

describe('number formats', () => {
  it('a plain number shows as stored, or with its fixed decimals', () => {
    expect(formatNumber(1234.5, numberDisplayOf({ options: {} }))).toBe('1234.5');
    expect(formatNumber(1234.5, numberDisplayOf({ options: { precision: 2 } }))).toBe('1234.50');
  });

  it('a currency shows its symbol and grouping, with the currency’s decimals unless fixed', () => {
    const display = numberDisplayOf({ options: { format: 'currency', currency: 'USD' } });
    expect(formatNumber(1234.5, display).replace(/[^\d.,$-]/g, '')).toMatch(/^\$?1,?234\.50\$?$/);
    const yen = numberDisplayOf({ options: { format: 'currency', currency: 'JPY', precision: 1 } });
    expect(formatNumber(7, yen)).toContain('7.0');
  });

  it('a percent is the stored number followed by %', () => {
    expect(formatNumber(25, numberDisplayOf({ options: { format: 'percent' } }))).toBe('25%');
    expect(formatNumber(12.345, numberDisplayOf({ options: { format: 'percent', precision: 1 } }))).toBe('12.3%');
  });

  it('unreadable options fall back to a plain number', () => {
    expect(numberDisplayOf({ options: { format: 'roman', precision: '2' } })).toEqual({ precision: null, format: 'plain', currency: null });
    expect(formatNumber(3, numberDisplayOf({ options: { format: 'currency' } }))).toBe('3');
  });
});

describe('pasting into a formatted number field', () => {
  const field = (options: Record<string, unknown>) =>
    ({ id: 'p', table_id: 't', name: 'Price', description: '', type: 'number', options, position: 0, created_at: '' }) as const;
  const ctx = { members: new Map() };

  it('reads a number back from its currency or percent form', () => {
    const euro = field({ format: 'currency', currency: 'EUR', precision: 2 });
    expect(parseCellText(euro, '€1,234.50', ctx)).toEqual({ ok: true, value: 1234.5 });
    expect(parseCellText(euro, '-€7', ctx)).toEqual({ ok: true, value: -7 });
    expect(parseCellText(euro, '12 EUR', ctx)).toEqual({ ok: true, value: 12 });
    expect(parseCellText(field({ format: 'percent' }), '25%', ctx)).toEqual({ ok: true, value: 25 });
  });

  it('a plain number field still refuses a sign it does not show', () => {
    expect(parseCellText(field({}), '25%', ctx).ok).toBe(false);
  });
});
