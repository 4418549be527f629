import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTandem } from '../src/app.ts';
import { loadConfig } from '../src/config/schema.ts';
import { metricsExposureWarning } from '../src/observability/metrics.ts';
import { startServer, type TestServer } from './support/server.ts';

const TOKEN = 'prometheus-scrape-token-0123456789';

describe('/metrics with METRICS_TOKEN', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ db: 'pglite', overrides: { metricsToken: TOKEN } });
  });
  afterAll(async () => server?.close());

  it('is refused with 401 and the error shape without the token or with another one, and served with it', async () => {
    const anonymous = await fetch(`${server.url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(await anonymous.json()).toMatchObject({ error: { code: 'unauthenticated', message: expect.stringContaining('METRICS_TOKEN') } });

    const wrong = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    const text = await wrong.text();
    expect(text).not.toContain('tandem_http_requests_total');

    const scraped = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toContain('text/plain');
    expect(await scraped.text()).toContain('tandem_http_requests_total');
  });
});

describe('/metrics on a listener of its own (METRICS_PORT)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ db: 'pglite', overrides: { metricsPort: 0, metricsHost: '127.0.0.1', metricsToken: TOKEN } });
  });
  afterAll(async () => server?.close());

  it('serves metrics there, behind the token, and no longer on the main port', async () => {
    const metricsUrl = server.tandem.metricsUrl();
    expect(metricsUrl).not.toBeNull();
    expect(metricsUrl).not.toBe(server.url);
    expect((await fetch(`${metricsUrl}/metrics`)).status).toBe(401);
    const scraped = await fetch(`${metricsUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('tandem_realtime_connections');

    const onMain = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(onMain.status).toBe(404);
    expect(((await onMain.json()) as { error: { code: string } }).error.code).toBe('not_found');
    // The metrics listener serves nothing else.
    expect((await fetch(`${metricsUrl}/api/v1/me`)).status).toBe(404);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe('the start-up warning about public metrics', () => {
  it('is given for an open /metrics on a non-loopback interface only', () => {
    expect(metricsExposureWarning({ host: '0.0.0.0', token: undefined })).toMatch(/METRICS_TOKEN/);
    expect(metricsExposureWarning({ host: '192.168.1.20', token: undefined })).toMatch(/192\.168\.1\.20/);
    expect(metricsExposureWarning({ host: '0.0.0.0', token: TOKEN })).toBeNull();
    for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.0.0.2']) expect(metricsExposureWarning({ host, token: undefined }), host).toBeNull();
  });

  it('is logged when a server listens on 0.0.0.0 without a token, and not on loopback', async () => {
    const logged = async (host: string) => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      });
      const config = loadConfig({}, { port: 0, host, dataDir: ':memory:', demoData: false, jobsPollMs: 0, metricsIntervalMs: 0, alertEvaluateMs: 0 });
      const tandem = await createTandem(config, { logger: pino({ level: 'warn' }, sink) });
      try {
        await tandem.listen();
      } finally {
        await tandem.close();
      }
      return lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.msg.includes('/metrics is readable'));
    };
    expect(await logged('0.0.0.0')).toHaveLength(1);
    expect(await logged('127.0.0.1')).toHaveLength(0);
  });

  it('a short METRICS_TOKEN is refused at start-up without being printed', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short-token' })).toThrow(/METRICS_TOKEN=\(hidden\): must be at least 16 characters/);
    expect(() => loadConfig({ METRICS_TOKEN: 'short-token' })).not.toThrow(/short-token/);
  });
});
