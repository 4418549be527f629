import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, newUser } from '../support/http-client.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { errorShapeProblem, sendCall } from './raw-request.ts';

describe('URLs the router itself refuses', () => {
  let server: TestServer;
  let user: ApiClient;
  beforeAll(async () => {
    server = await startServer({ db: 'pglite' });
    user = await newUser(server.url, 'Ann');
  });
  afterAll(async () => server?.close());

  it('a path parameter longer than the router takes is a 400 invalid_input in the error shape, not fastify’s own 414', async () => {
    for (const method of ['PATCH', 'DELETE', 'POST']) {
      const res = await sendCall(server.url, user.token, { method, path: `/records/${'x'.repeat(3000)}`, body: { values: {} } });
      expect(res.status, method).toBe(400);
      expect(errorShapeProblem(res, ['invalid_input']), method).toBeNull();
    }
  });

  it('a malformed percent-encoding in the path is a 400 invalid_input in the error shape', async () => {
    const res = await sendCall(server.url, user.token, { method: 'PATCH', path: '/records/%E0%A4%A', body: { values: {} } });
    expect(res.status).toBe(400);
    expect(errorShapeProblem(res, ['invalid_input'])).toBeNull();
  });
});
