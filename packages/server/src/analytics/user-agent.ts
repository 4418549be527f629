import type { DeviceType } from '@tandem/protocol';
import Bowser from 'bowser';
import { isbot } from 'isbot';

/** What analytics keeps of a User-Agent; the string itself is dropped. */
export interface ClientInfo {
  readonly device: DeviceType;
  readonly browser: string;
  readonly os: string;
}

/** Widest `innerWidth` still counted as a phone, and as a tablet, when the User-Agent does not say. */
const PHONE_MAX_WIDTH = 576;
const TABLET_MAX_WIDTH = 992;

/**
 * Reads device type, browser and OS from a User-Agent with bowser (MIT); null for bots, crawlers,
 * headless browsers and an empty User-Agent, whose beacons are dropped.
 */
export function readUserAgent(userAgent: string | undefined, width?: number): ClientInfo | null {
  if (!userAgent || isbot(userAgent)) return null;
  const parsed = Bowser.parse(userAgent);
  const type = parsed.platform.type;
  if (type === 'bot') return null;
  return {
    device: deviceOf(type, width),
    browser: parsed.browser.name ?? '',
    os: parsed.os.name ?? '',
  };
}

function deviceOf(type: string | undefined, width: number | undefined): DeviceType {
  if (type === 'mobile' || type === 'tablet' || type === 'desktop') return type;
  if (type === 'tv') return 'other';
  if (width === undefined || width === 0) return 'other';
  return width <= PHONE_MAX_WIDTH ? 'mobile' : width <= TABLET_MAX_WIDTH ? 'tablet' : 'desktop';
}
