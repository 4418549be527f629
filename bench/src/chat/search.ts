import pg from 'pg';
import { Histogram } from '../measure/histogram.ts';
import { BENCH_DATABASE_URL } from '../servers/deploy.ts';
import { callApi, callOk } from './chat-api.ts';
import type { ChatFixture } from './chat-fixture.ts';

/** What one search run measured. */
export interface SearchResult {
  readonly corpus: number;
  readonly seedSec: number;
  readonly queries: number;
  readonly failed: number;
  readonly meanHits: number;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
}

/** Words the corpus is made of: a few common ones and many rarer ones, as in real conversation. */
const COMMON = ['the', 'deploy', 'order', 'customer', 'invoice', 'meeting', 'today', 'review', 'shipment', 'update', 'please', 'check'];
const RARE = Array.from({ length: 5_000 }, (_, i) => `w${i.toString(36)}x`);

function randomBody(random: () => number): string {
  const words: string[] = [];
  const n = 6 + Math.floor(random() * 10);
  for (let i = 0; i < n; i++)
    words.push(random() < 0.4 ? (COMMON[Math.floor(random() * COMMON.length)] as string) : (RARE[Math.floor(random() * RARE.length)] as string));
  return words.join(' ');
}

/** A small seeded generator, so every run searches the same corpus. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes the corpus straight into the deployment's schema: one message per room is sent through
 * the API, then its row is copied with new ids, bodies and times (the columns read from the
 * catalogue, so the copy follows the schema; a search column the database generates is left to
 * it). Sending 200,000 messages through the API would take a quarter of an hour on this machine
 * and measure the send path, which the message-path workload already does.
 */
async function seedCorpus(url: string, fixture: ChatFixture, schema: string, corpus: number): Promise<void> {
  const templates: string[] = [];
  for (const room of fixture.rooms) {
    const sender = fixture.users[room.members[0] as number] as { token: string };
    const message = await callOk<{ id: string }>(url, 'POST', `/chat/rooms/${room.id}/messages`, sender.token, { body: 'seed message' });
    templates.push(message.id);
  }
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`SET search_path TO ${schema}`);
    const cols = await client.query<{ column_name: string; is_generated: string; data_type: string }>(
      `SELECT column_name, is_generated, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'chat_messages' ORDER BY ordinal_position`,
      [schema],
    );
    const replaced: Record<string, string> = {
      id: 'gen_random_uuid()',
      body: 'b.body',
      body_html: `'<p>' || b.body || '</p>'`,
      client_id: 'NULL',
      created_at: `now() - (b.n || ' seconds')::interval`,
    };
    const insertable = cols.rows.filter((c) => c.is_generated !== 'ALWAYS');
    const names = insertable.map((c) => c.column_name);
    const values = insertable.map((c) => replaced[c.column_name] ?? (c.data_type === 'tsvector' ? `to_tsvector('simple', b.body)` : `t.${c.column_name}`));
    const random = mulberry32(42);
    const batch = 5_000;
    for (let offset = 0; offset < corpus; offset += batch) {
      const n = Math.min(batch, corpus - offset);
      const bodies = Array.from({ length: n }, () => randomBody(random));
      const rooms = Array.from({ length: n }, (_, i) => templates[(offset + i) % templates.length] as string);
      const ages = Array.from({ length: n }, (_, i) => corpus - offset - i);
      await client.query(
        `INSERT INTO chat_messages (${names.join(', ')})
         SELECT ${values.join(', ')} FROM unnest($1::text[], $2::uuid[], $3::int[]) AS b(body, template, n) JOIN chat_messages t ON t.id = b.template`,
        [bodies, rooms, ages],
      );
    }
    await client.query('ANALYZE chat_messages');
  } finally {
    await client.end();
  }
}

/**
 * Seeds `corpus` messages over the fixture's rooms, then runs `queries` searches one after the
 * other as a member of every room (one or two words: a rare word, a common one, or both) and
 * measures each answer's time.
 */
export async function runSearch(
  url: string,
  fixture: ChatFixture,
  options: { corpus: number; queries: number; schema: string; log: (m: string) => void },
): Promise<SearchResult> {
  const seeding = Date.now();
  await seedCorpus(url, fixture, options.schema, options.corpus);
  const seedSec = Math.round((Date.now() - seeding) / 100) / 10;
  options.log(`  corpus of ${options.corpus} messages written in ${seedSec} s`);
  const token = (fixture.users[0] as { token: string }).token;
  const random = mulberry32(7);
  const latency = new Histogram();
  let failed = 0;
  let hits = 0;
  for (let i = 0; i < options.queries; i++) {
    const rare = RARE[Math.floor(random() * RARE.length)] as string;
    const common = COMMON[Math.floor(random() * COMMON.length)] as string;
    const q = i % 3 === 0 ? rare : i % 3 === 1 ? `${common} ${rare}` : common;
    const started = performance.now();
    const answer = await callApi<{ hits?: unknown[] }>(url, 'GET', `/chat/search?q=${encodeURIComponent(q)}&workspace_id=${fixture.workspaceId}`, token);
    latency.recordMillis(performance.now() - started);
    if (answer.status !== 200) failed++;
    else hits += answer.body.hits?.length ?? 0;
  }
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    corpus: options.corpus,
    seedSec,
    queries: options.queries,
    failed,
    meanHits: Math.round((hits / Math.max(1, options.queries - failed)) * 10) / 10,
    latencyMs: { p50: ms(latency.percentile(50)), p95: ms(latency.percentile(95)), p99: ms(latency.percentile(99)), max: ms(latency.max) },
  };
}
