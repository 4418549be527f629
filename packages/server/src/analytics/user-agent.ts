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
 * User-Agents whose reading is kept. A site's visitors send a few hundred distinct strings at
 * most, and isbot's pattern and bowser's parse are the most expensive part of a beacon, so nearly
 * every beacon is answered from here; a flood of made-up strings only evicts, never grows it.
 */
const KNOWN_AGENTS_MAX = 2_000;
/** Longer User-Agents are read every time, so the kept ones hold at most about a megabyte. */
const KNOWN_AGENT_MAX_LENGTH = 512;

/** What a User-Agent string alone says (the device may still need the page's width); null for a bot. */
interface AgentReading {
  readonly platformType: string | undefined;
  readonly browser: string;
  readonly os: string;
}

/** Readings by User-Agent, least recently used first. */
const knownAgents = new Map<string, AgentReading | null>();

function readAgent(userAgent: string): AgentReading | null {
  const known = knownAgents.get(userAgent);
  if (known !== undefined) {
    knownAgents.delete(userAgent);
    knownAgents.set(userAgent, known);
    return known;
  }
  const reading = parseAgent(userAgent);
  if (userAgent.length > KNOWN_AGENT_MAX_LENGTH) return reading;
  if (knownAgents.size >= KNOWN_AGENTS_MAX) {
    const oldest = knownAgents.keys().next();
    if (!oldest.done) knownAgents.delete(oldest.value);
  }
  knownAgents.set(userAgent, reading);
  return reading;
}

function parseAgent(userAgent: string): AgentReading | null {
  if (isbot(userAgent)) return null;
  const parsed = Bowser.parse(userAgent);
  if (parsed.platform.type === 'bot') return null;
  return { platformType: parsed.platform.type, browser: parsed.browser.name ?? '', os: parsed.os.name ?? '' };
}

/**
 * Reads device type, browser and OS from a User-Agent with bowser (MIT); null for bots, crawlers,
 * headless browsers and an empty User-Agent, whose beacons are dropped. Readings of recent
 * User-Agents are kept (at most {@link KNOWN_AGENTS_MAX}), so a string is parsed once.
 */
export function readUserAgent(userAgent: string | undefined, width?: number): ClientInfo | null {
  if (!userAgent) return null;
  const reading = readAgent(userAgent);
  if (!reading) return null;
  return { device: deviceOf(reading.platformType, width), browser: reading.browser, os: reading.os };
}

function deviceOf(type: string | undefined, width: number | undefined): DeviceType {
  if (type === 'mobile' || type === 'tablet' || type === 'desktop') return type;
  if (type === 'tv') return 'other';
  if (width === undefined || width === 0) return 'other';
  return width <= PHONE_MAX_WIDTH ? 'mobile' : width <= TABLET_MAX_WIDTH ? 'tablet' : 'desktop';
}
