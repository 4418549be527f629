import { NUMBER_FORMATS, type NumberFormat } from '@tandem/protocol';
import type { Field } from '../api/types.ts';

/** How a number field shows its values, read from its options (protocol `NUMBER_FORMATS`). */
export interface NumberDisplay {
  /** Fixed decimals, or null to show the number as stored. */
  readonly precision: number | null;
  /** `plain` (default), `currency` or `percent`. */
  readonly format: NumberFormat;
  /** ISO 4217 code of a `currency` format (e.g. `EUR`), or null. */
  readonly currency: string | null;
}

/** The display options of a number field; anything unreadable falls back to plain. */
export function numberDisplayOf(field: Pick<Field, 'options'>): NumberDisplay {
  const { precision, format, currency } = field.options;
  return {
    precision: typeof precision === 'number' ? precision : null,
    format: NUMBER_FORMATS.includes(format as NumberFormat) ? (format as NumberFormat) : 'plain',
    currency: typeof currency === 'string' ? currency : null,
  };
}

const currencyFormats = new Map<string, Intl.NumberFormat>();

/**
 * A number as its field shows it: plain numbers as stored (or with fixed decimals), currency in
 * the browser's locale with the currency's symbol (`$1,234.50`, its usual decimals unless fixed),
 * percent as the stored number followed by `%` (25 → `25%`).
 */
export function formatNumber(value: number, display: NumberDisplay): string {
  const fixed = display.precision ?? undefined;
  if (display.format === 'currency' && display.currency) {
    const key = `${display.currency}:${fixed ?? ''}`;
    let formatter = currencyFormats.get(key);
    if (!formatter) {
      try {
        formatter = new Intl.NumberFormat(undefined, {
          style: 'currency',
          currency: display.currency,
          minimumFractionDigits: fixed,
          maximumFractionDigits: fixed,
        });
      } catch {
        // A code this browser does not know still shows the number, with the code.
        return `${display.currency} ${fixed === undefined ? String(value) : value.toFixed(fixed)}`;
      }
      currencyFormats.set(key, formatter);
    }
    return formatter.format(value);
  }
  const plain = fixed === undefined ? String(value) : value.toFixed(fixed);
  return display.format === 'percent' ? `${plain}%` : plain;
}
