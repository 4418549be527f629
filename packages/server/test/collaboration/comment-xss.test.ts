import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server.ts';
import { type CollabFixture, startCollabServer } from './collab-fixture.ts';

/** Payloads from the usual XSS cheat sheets: each must come back without anything executable. */
const PAYLOADS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<img src="javascript:alert(1)">',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<body onload=alert(1)>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
  '<style>body{background:url("javascript:alert(1)")}</style>',
  '<div style="background-image:url(javascript:alert(1))">styled</div>',
  '<a href="javascript:alert(1)">click</a>',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))',
  '[click](java%0ascript:alert(1))',
  '<a href="&#x6A;avascript:alert(1)">click</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
  '[click](data:text/html,<script>alert(1)</script>)',
  '![img](javascript:alert(1))',
  '<a href="vbscript:msgbox(1)">click</a>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<form action="javascript:alert(1)"><button>go</button></form>',
  '<input autofocus onfocus=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<a href="https://ok.example" onclick="alert(1)">ok</a>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="javascript:alert(1)//">',
  '<link rel="stylesheet" href="javascript:alert(1)">',
  '"><script>alert(1)</script>',
  '`<script>alert(1)</script>` and <scr<script>ipt>alert(1)</script>',
] as const;

/** Tags a rendered comment may contain, and the attributes each may carry. */
const ALLOWED: Record<string, readonly string[]> = {
  p: [],
  br: [],
  strong: [],
  b: [],
  em: [],
  i: [],
  del: [],
  s: [],
  code: ['class'],
  pre: [],
  blockquote: [],
  ul: [],
  ol: ['start'],
  li: [],
  a: ['href', 'title', 'rel', 'target'],
  h1: [],
  h2: [],
  h3: [],
  h4: [],
  h5: [],
  h6: [],
  hr: [],
  table: [],
  thead: [],
  tbody: [],
  tr: [],
  th: ['align'],
  td: ['align'],
  span: ['class', 'data-user-id'],
};

/** Every problem that would make `html` executable or able to load anything. */
function dangers(html: string): string[] {
  const found: string[] = [];
  for (const tag of html.matchAll(/<\s*([a-zA-Z][\w-]*)([^>]*)>/g)) {
    const name = (tag[1] ?? '').toLowerCase();
    const allowed = ALLOWED[name];
    if (!allowed) {
      found.push(`tag <${name}>`);
      continue;
    }
    for (const attr of (tag[2] ?? '').matchAll(/([^\s=/]+)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s>]+))?/g)) {
      const attrName = (attr[1] ?? '').toLowerCase();
      if (!allowed.includes(attrName)) found.push(`attribute ${attrName} on <${name}>`);
      if (attrName === 'href' && !/^["']?(https?:|mailto:)/i.test(attr[2] ?? '')) found.push(`href ${attr[2]}`);
    }
  }
  return found;
}

describe('comment markdown is sanitised', () => {
  let server: TestServer;
  let fx: CollabFixture;
  beforeAll(async () => {
    ({ server, fx } = await startCollabServer('pglite'));
  });
  afterAll(async () => server?.close());

  it(`every one of ${PAYLOADS.length} XSS payloads comes back inert, on create, edit and list`, async () => {
    expect(PAYLOADS.length).toBeGreaterThanOrEqual(20);
    const ids: string[] = [];
    for (const payload of PAYLOADS) {
      const res = await fx.commenter.post(`/records/${fx.recordId}/comments`, { body: payload });
      expect(res.status, payload).toBe(201);
      expect(dangers(res.body.body_html), `${payload} → ${res.body.body_html}`).toEqual([]);
      expect(res.body.body).toBe(payload);
      ids.push(res.body.id);
    }
    const edited = await fx.commenter.patch(`/comments/${ids[0]}`, { body: `fixed <img src=x onerror=alert(1)> [x](javascript:alert(1))` });
    expect(dangers(edited.body.body_html)).toEqual([]);
    const list = await fx.viewer.get(`/records/${fx.recordId}/comments`);
    for (const comment of list.body.comments as { body_html: string }[]) expect(dangers(comment.body_html), comment.body_html).toEqual([]);
    expect(list.body.comments.map((c: { body_html: string }) => c.body_html).join('\n')).not.toMatch(/onerror|javascript:|<script|<svg|<iframe/i);
  });

  it('ordinary markdown survives sanitising: emphasis, lists, code, safe links', async () => {
    const res = await fx.commenter.post(`/records/${fx.recordId}/comments`, {
      body: '**Bold** and _it_\n\n- one\n- two\n\n`x < y`\n\n[docs](https://tandem.example/docs)',
    });
    expect(res.body.body_html).toContain('<strong>Bold</strong>');
    expect(res.body.body_html).toContain('<em>it</em>');
    expect(res.body.body_html).toContain('<li>one</li>');
    expect(res.body.body_html).toContain('<code>x &lt; y</code>');
    expect(res.body.body_html).toContain('<a href="https://tandem.example/docs" rel="noopener noreferrer nofollow" target="_blank">docs</a>');
  });

  it('a forged mention span in the text is stripped; only resolved mentions carry a user id', async () => {
    const res = await fx.commenter.post(`/records/${fx.recordId}/comments`, {
      body: `<span class="mention" data-user-id="${fx.owner.user?.id}">@Owner</span> hello`,
    });
    expect(res.body.mentions).toEqual([]);
    expect(res.body.body_html).not.toContain('data-user-id');
  });
});
