import { describe, expect, it } from 'vitest';
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
