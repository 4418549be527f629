/** Regional indicator symbol A (U+1F1E6): a flag emoji is the two letters of the ISO code in this alphabet. */
const REGIONAL_A = 0x1f1e6;

/** The flag emoji of an ISO 3166-1 alpha-2 country code ("DE" → 🇩🇪); empty for anything else. */
export function countryFlag(code: string): string {
  const cc = code.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(cc)) return '';
  return String.fromCodePoint(REGIONAL_A + cc.charCodeAt(0) - 65, REGIONAL_A + cc.charCodeAt(1) - 65);
}

const regionNames = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(undefined, { type: 'region' }) : null;

/** The country's name in the reader's language ("DE" → "Germany"), or the code when unknown. */
export function countryName(code: string): string {
  if (!/^[A-Za-z]{2}$/.test(code)) return code || 'Unknown';
  try {
    return regionNames?.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}
