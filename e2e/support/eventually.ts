import { expect } from 'vitest';

/** Default wait for something a browser shows after a network round trip (vitest's own default is 1 s). */
export const EVENTUALLY_MS = 10_000;

/** `expect.poll` with a browser-friendly timeout: retries `fn` until the matcher passes. */
export function eventually<T>(fn: () => T | Promise<T>, options: { timeout?: number } = {}) {
  return expect.poll(fn, { timeout: options.timeout ?? EVENTUALLY_MS, interval: 100 });
}
