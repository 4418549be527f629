/**
 * A page-view load generator, one child process of the ingestion benchmark. Told `start` with a
 * {@link PageviewLoadPlan} over IPC, it posts beacons to `POST /api/v1/analytics/pageview` at a
 * fixed rate (open loop, at most `maxInFlight` outstanding: a server that cannot keep up shows as
 * a lower achieved rate) as browsers would send them: `text/plain`, with an `Origin`, a real
 * browser's User-Agent, and the visitor's address in `X-Forwarded-For` (Tandem trusts the proxy
 * header, as it runs behind one). Told `stop`, it waits for what is in flight and answers with a
 * {@link PageviewLoadResult}.
 */
import { Agent, request } from 'node:http';
import { Histogram, type SerializedHistogram } from '../measure/histogram.ts';

/** What one load process sends. */
export interface PageviewLoadPlan {
  readonly baseUrl: string;
  readonly siteKey: string;
  /** Host of the tracked site the page URLs name (one of the site's domains). */
  readonly host: string;
  /** Page views per second this process sends. */
  readonly rate: number;
  readonly maxInFlight: number;
  /** Visitors (address and browser) this process draws from. */
  readonly visitors: number;
  /** Makes each process's visitors its own. */
  readonly seed: number;
}

/** What one load process sent and how the server answered. */
export interface PageviewLoadResult {
  /** Requests sent. */
  readonly sent: number;
  /** Answered 202 (counted by the server). */
  readonly accepted: number;
  /** Answers by HTTP status, and `error` for requests that got none. */
  readonly byStatus: Readonly<Record<string, number>>;
  /** Page views that fell due while `maxInFlight` were outstanding and were never sent. */
  readonly behind: number;
  /** From the first request to the last answer. */
  readonly elapsedMs: number;
  /** Request to answer. */
  readonly latency: SerializedHistogram;
  /** CPU this process used, in % of one core (at 90 % and more the figures measure the generator). */
  readonly cpuPct: number;
  readonly errors: readonly string[];
}

/** Browsers of real visitors (none is a bot). */
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0',
  'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
];

const SECTIONS = ['blog', 'docs', 'products', 'help', 'careers'];
const REFERRERS = [
  '',
  '',
  '',
  'https://www.google.com/',
  'https://duckduckgo.com/',
  'https://news.ycombinator.com/item?id=1',
  'https://t.co/abc',
  'https://www.bing.com/search?q=x',
];
const CAMPAIGNS = ['?utm_source=newsletter&utm_medium=email&utm_campaign=winter', '?utm_source=twitter&utm_medium=social', '?ref=partner&session=abc123'];

/** A small seeded generator (mulberry32), so a run's visitors and pages can be drawn again. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A public-looking address: IPv4 outside the private and reserved blocks, one in ten IPv6. */
function address(next: () => number): string {
  if (next() < 0.1) {
    const group = () => Math.floor(next() * 0xffff).toString(16);
    return `2a0${Math.floor(next() * 9) + 1}:${group()}:${group()}::${group()}`;
  }
  const reserved = new Set([0, 10, 100, 127, 169, 172, 192, 198, 203]);
  let first = 0;
  while (reserved.has(first)) first = 1 + Math.floor(next() * 222);
  const octet = () => Math.floor(next() * 256);
  return `${first}.${octet()}.${octet()}.${1 + Math.floor(next() * 254)}`;
}

function pagePath(next: () => number): string {
  const r = next();
  if (r < 0.2) return '/';
  if (r < 0.3) return '/pricing';
  const section = SECTIONS[Math.floor(next() * SECTIONS.length)] as string;
  return `/${section}/${Math.floor(next() * next() * 200)}`;
}

function run(plan: PageviewLoadPlan): { stop(): Promise<PageviewLoadResult> } {
  const next = random(plan.seed);
  const visitors = Array.from({ length: plan.visitors }, () => ({
    ip: address(next),
    userAgent: USER_AGENTS[Math.floor(next() * USER_AGENTS.length)] as string,
  }));
  const agent = new Agent({ keepAlive: true, maxSockets: plan.maxInFlight });
  const url = new URL('/api/v1/analytics/pageview', plan.baseUrl);
  const origin = `https://${plan.host}`;
  const latency = new Histogram();
  const byStatus: Record<string, number> = {};
  const errors: string[] = [];
  let sent = 0;
  let behind = 0;
  let inFlight = 0;
  let stopping = false;
  let lastAnswer = 0;
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();

  const send = () => {
    const visitor = visitors[Math.floor(next() * visitors.length)] as (typeof visitors)[number];
    const path = pagePath(next);
    const query = next() < 0.1 ? (CAMPAIGNS[Math.floor(next() * CAMPAIGNS.length)] as string) : '';
    const body = JSON.stringify({
      site: plan.siteKey,
      url: `${origin}${path}${query}`,
      title: `Page ${path}`,
      referrer: REFERRERS[Math.floor(next() * REFERRERS.length)] || undefined,
      width: visitor.userAgent.includes('Mobile') ? 390 : 1440,
    });
    const at = performance.now();
    sent++;
    inFlight++;
    const done = (status: string) => {
      inFlight--;
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      lastAnswer = performance.now();
      latency.recordMillis(lastAnswer - at);
    };
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'text/plain;charset=UTF-8',
          'content-length': Buffer.byteLength(body),
          origin,
          'user-agent': visitor.userAgent,
          'x-forwarded-for': visitor.ip,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => done(String(res.statusCode)));
        res.on('error', () => undefined);
      },
    );
    req.on('error', (err) => {
      if (errors.length < 5) errors.push(err.message);
      done('error');
    });
    req.end(body);
  };

  // Page view k is due at k / rate seconds; a tick sends every one that fell due, in-flight cap permitting.
  const timer = setInterval(() => {
    if (stopping) return;
    const due = Math.floor(((performance.now() - started) / 1000) * plan.rate);
    while (sent + behind < due) {
      if (inFlight >= plan.maxInFlight) {
        behind += due - sent - behind;
        break;
      }
      send();
    }
  }, 5);

  return {
    async stop() {
      stopping = true;
      clearInterval(timer);
      // Bounded: what is in flight gets 30 s to be answered.
      for (let waited = 0; inFlight > 0 && waited < 30_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      agent.destroy();
      const cpu = process.cpuUsage(cpuAtStart);
      const wallMs = performance.now() - started;
      return {
        sent,
        accepted: byStatus['202'] ?? 0,
        byStatus,
        behind,
        elapsedMs: Math.round((lastAnswer || performance.now()) - started),
        latency: latency.toJSON(),
        cpuPct: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 100),
        errors,
      };
    },
  };
}

/** Messages between the benchmark and a load process. */
export type LoadCommand = { readonly type: 'start'; readonly plan: PageviewLoadPlan } | { readonly type: 'stop' };
export type LoadReply = { readonly type: 'started' } | { readonly type: 'stopped'; readonly result: PageviewLoadResult };

if (process.send) {
  let running: ReturnType<typeof run> | null = null;
  process.on('message', (command: LoadCommand) => {
    if (command.type === 'start') {
      running = run(command.plan);
      process.send?.({ type: 'started' } satisfies LoadReply);
    } else if (running) {
      void running.stop().then((result) => {
        process.send?.({ type: 'stopped', result } satisfies LoadReply, () => process.exit(0));
      });
    }
  });
  process.on('disconnect', () => process.exit(0));
}
